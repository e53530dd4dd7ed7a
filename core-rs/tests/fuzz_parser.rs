//! Mutation fuzzing of the instance parser and the C ABI entry that wraps it: whatever the bytes,
//! the parser returns an instance that satisfies every invariant or an input error naming a line,
//! and never panics.

use keiro_core::ffi::{keiro_buffer_free, keiro_te_free, keiro_te_new};
use keiro_core::rng::Rng;
use keiro_core::{Error, Instance};

const SEEDS: [&str; 3] = [
    r#"{"id":"a","nodes":3,"edges":[{"src":0,"dst":1,"capacity":10},{"src":1,"dst":2,"capacity":5}],"commodities":[{"src":0,"dst":2,"demand":4}]}"#,
    r#"{"nodes":["x","y"],"edges":[{"src":"x","dst":"y","capacity":1e3},{"src":1,"dst":0,"capacity":2}],"commodities":[{"src":"y","dst":"x","demand":0.5}],"extra":[1,{"a":null}]}"#,
    "{\"nodes\":2,\"edges\":[{\"src\":0,\"dst\":1,\"capacity\":1}],\"commodities\":[{\"src\":0,\"dst\":1,\"demand\":1}]}\n\n{\"nodes\":2}",
];
const TOKENS: [&str; 16] = [
    "-1",
    "0",
    "1e308",
    "1e999",
    "\"x\"",
    "null",
    "[]",
    "{}",
    "true",
    "4294967296",
    "18446744073709551616",
    "-0",
    "0.0",
    "\"\u{1F600}\"",
    "\\u0000",
    "\n",
];

fn mutate(rng: &mut Rng, s: &str) -> Vec<u8> {
    let mut b = s.as_bytes().to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(b.len() as u64 + 1) as usize;
        match rng.below(5) {
            0 if !b.is_empty() => {
                let end = (at + 1 + rng.below(8) as usize).min(b.len());
                b.drain(at.min(b.len())..end.max(at.min(b.len())));
            }
            1 => b.splice(at..at, TOKENS[rng.below(TOKENS.len() as u64) as usize].bytes()).for_each(drop),
            2 if at < b.len() => b[at] = rng.below(256) as u8,
            3 if at < b.len() && b[at].is_ascii_digit() => b[at] = b'0' + rng.below(10) as u8,
            _ => b.insert(at, b"{}[],:\"0-"[rng.below(9) as usize]),
        }
    }
    b
}

fn check(inst: &Instance) {
    assert!(inst.num_nodes >= 2);
    for e in &inst.edges {
        assert!(e.src < inst.num_nodes && e.dst < inst.num_nodes && e.src != e.dst);
        assert!(e.capacity.is_finite() && e.capacity > 0.0);
    }
    for c in &inst.commodities {
        assert!(c.src < inst.num_nodes && c.dst < inst.num_nodes && c.src != c.dst);
        assert!(c.demand.is_finite() && c.demand > 0.0);
    }
}

#[test]
fn parser_never_panics_and_keeps_its_invariants() {
    let mut rng = Rng::new(2024);
    let (mut ok, mut err) = (0, 0);
    for i in 0..30_000 {
        let bytes = mutate(&mut rng, SEEDS[i % SEEDS.len()]);
        let Ok(text) = std::str::from_utf8(&bytes) else { continue };
        match Instance::parse_jsonl(text, 1) {
            Ok(v) => {
                v.iter().for_each(check);
                ok += 1;
            }
            Err(Error::Input { line, field, message }) => {
                assert!(line >= 1 && !field.is_empty() && !message.is_empty());
                err += 1;
            }
            Err(e) => panic!("unexpected error kind: {e}"),
        }
    }
    assert!(ok > 100 && err > 10_000, "mutations exercise both paths: {ok} ok, {err} errors");
}

#[test]
fn c_abi_parse_turns_garbage_into_status_codes() {
    const REQ: &str = r#"{"kind":"parse","first_line":1}"#;
    let mut rng = Rng::new(7);
    for i in 0..3_000 {
        let bytes = mutate(&mut rng, SEEDS[i % SEEDS.len()]);
        // SAFETY: the pointer and length describe `bytes`; buffers and handles are freed once.
        unsafe {
            let buf = keiro_te_new(REQ.as_ptr(), REQ.len(), bytes.as_ptr(), bytes.len());
            let status = u32::from_le_bytes(std::slice::from_raw_parts(buf, 4).try_into().unwrap());
            assert!(status == 0 || status == 1, "status {status}");
            let handle = u64::from_le_bytes(std::slice::from_raw_parts(buf.add(16), 8).try_into().unwrap());
            assert_eq!(handle != 0, status == 0);
            if handle != 0 {
                keiro_te_free(handle as *mut _);
            }
            keiro_buffer_free(buf);
        }
    }
}
