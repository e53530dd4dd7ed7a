//! Every `launch!` in the Rust sources names a kernel of `kernels/keiro.cu` and passes as many
//! arguments as it has parameters, and every kernel is launched somewhere. A static check of the
//! sources (no CUDA needed): `tests/kernels_host.rs` replays the launches in C++ and cannot see a Rust
//! argument list that drifts from the kernel's signature; this catches a missing or extra argument.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Each kernel's parameter count, from its `extern "C" __global__ void name(…)` signature.
fn kernels(cu: &str) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for part in cu.split("extern \"C\" __global__ void ").skip(1) {
        let (name, rest) = part.split_once('(').expect("a kernel signature");
        let params = &rest[..rest.find(')').expect("a closed parameter list")];
        out.insert(name.trim().to_string(), params.split(',').filter(|p| !p.trim().is_empty()).count());
    }
    out
}

/// The top-level, comma-separated arguments of the macro call whose `(` is at `open` in `src`.
fn arguments(src: &str, open: usize) -> Vec<String> {
    let (mut depth, mut quoted, mut args, mut cur) = (0usize, false, Vec::new(), String::new());
    for ch in src[open..].chars() {
        match ch {
            '"' => quoted = !quoted,
            '(' | '[' | '{' if !quoted => depth += 1,
            ')' | ']' | '}' if !quoted => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            ',' if !quoted && depth == 1 => {
                args.push(std::mem::take(&mut cur).trim().to_string());
                continue;
            }
            _ => {}
        }
        if depth >= 1 && !(depth == 1 && ch == '(' && cur.is_empty() && args.is_empty()) {
            cur.push(ch);
        }
    }
    let last = cur.trim().to_string();
    if !last.is_empty() {
        args.push(last);
    }
    args
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_launch_matches_its_kernels_signature_and_every_kernel_is_launched() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let kernels = kernels(&std::fs::read_to_string(root.join("kernels/keiro.cu")).unwrap());
    assert!(kernels.len() >= 30, "found {} kernels", kernels.len());
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    let mut launched = BTreeMap::new();
    for file in files {
        let src = std::fs::read_to_string(&file).unwrap();
        for (at, _) in src.match_indices("launch!(") {
            let line_start = src[..at].rfind('\n').map_or(0, |i| i + 1);
            if src[line_start..at].trim_start().starts_with("//") {
                continue; // a doc comment
            }
            let args = arguments(&src, at + "launch!".len());
            let name = args[1].trim_matches('"').to_string();
            let params =
                *kernels.get(&name).unwrap_or_else(|| panic!("{}: launch! of {name}, which keiro.cu does not define", file.display()));
            assert_eq!(
                args.len() - 3,
                params,
                "{}: launch! of {name} passes {} arguments for {params} parameters",
                file.display(),
                args.len() - 3
            );
            *launched.entry(name).or_insert(0) += 1;
        }
    }
    let never: Vec<_> = kernels.keys().filter(|k| !launched.contains_key(*k)).collect();
    assert!(never.is_empty(), "kernels never launched: {never:?}");
}
