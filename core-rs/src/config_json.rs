//! The native core's JSON configs, in two kinds.
//!
//! A config the front end passes on to a model ([`parse_config`]): empty text means every default,
//! keys starting with `_` are comments, and a parse error (an unknown key, a wrong type) is a usage
//! error that names the config.
//!
//! A config file the user wrote, resolved with messages that name the file and the key:
//! [`config_object`] reads it (keys starting with `_` are comments, dropped at every depth),
//! [`check_keys`] checks each key with its [`Check`] and answers an unknown key with the nearest
//! known one ([`unknown_key`]); [`serde_names`] lists the keys (or variants) a serde type knows, so
//! that a key is written once, where its type declares it.

use serde::de::{DeserializeOwned, Visitor};
use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// Parses the config `what` (`"glm"`, `"fusion"`, …) from `text`; `""` gives `T`'s defaults. Keys
/// starting with `_` are comments, dropped at every depth. A value of the wrong type is a usage error
/// naming the key's path and what it should be in words (`glm.k: expected a non-negative integer,
/// got the string "16"`).
pub fn parse_config<T: DeserializeOwned>(text: &str, what: &str) -> Result<T> {
    let text = if text.trim().is_empty() { "{}" } else { text };
    let value: Value = serde_json::from_str(text).map_err(|e| Error::Usage(format!("invalid {what} config: {e}")))?;
    serde_path_to_error::deserialize(_strip_comments(value)).map_err(|e| {
        let path = e.path().to_string();
        let at = if path == "." { String::new() } else { format!("{path}: ") };
        Error::Usage(format!("invalid {what} config: {at}{}", _in_words(&e.into_inner().to_string())))
    })
}

/// serde's message with Rust's type names in words: `invalid type: string "16", expected usize` →
/// `expected a non-negative integer, got the string "16"`; an unknown field → `unknown key …; did you
/// mean "k"?` when a known key is a typo away, else the known keys.
fn _in_words(msg: &str) -> String {
    const TYPES: [(&str, &str); 9] = [
        ("usize", "a non-negative integer"),
        ("u64", "a non-negative integer"),
        ("u32", "a non-negative integer"),
        ("u8", "a non-negative integer"),
        ("i64", "an integer"),
        ("i32", "an integer"),
        ("f64", "a number"),
        ("f32", "a number"),
        ("a sequence", "an array"),
    ];
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        // The path already names the key; serde lists the known ones as `a`, `b` or `c`.
        let (key, known) = rest.split_once("`, expected ").unwrap_or((rest.trim_end_matches('`'), ""));
        let names: Vec<&str> = known.split('`').skip(1).step_by(2).collect();
        return match _nearest(key, &names) {
            Some(near) => format!("unknown key (keys starting with _ are comments); did you mean \"{near}\"?"),
            None => format!("unknown key (keys starting with _ are comments); expected {known}"),
        };
    }
    let Some(rest) = msg.strip_prefix("invalid type: ").or_else(|| msg.strip_prefix("invalid value: ")) else {
        return msg.to_string();
    };
    let Some((got, expected)) = rest.split_once(", expected ") else { return msg.to_string() };
    let expected = TYPES.iter().find(|(t, _)| *t == expected).map_or(expected, |(_, w)| w);
    let got = if got.starts_with("string ") || got.starts_with("map") || got.starts_with("sequence") {
        format!("the {got}")
    } else {
        got.to_string()
    };
    format!("expected {expected}, got {got}")
}

/// The JSON object `text` of the config file `source`, its keys starting with `_` dropped at every
/// depth. Invalid JSON and anything but an object are usage errors naming `source`.
pub fn config_object(text: &str, source: &str) -> Result<Map<String, Value>> {
    let value: Value = serde_json::from_str(text).map_err(|e| Error::Usage(format!("{source}: not valid JSON: {e}")))?;
    match _strip_comments(value) {
        Value::Object(m) => Ok(m),
        _ => Err(Error::Usage(format!("{source}: a config must be a JSON object"))),
    }
}

fn _strip_comments(v: Value) -> Value {
    match v {
        Value::Object(m) => {
            Value::Object(m.into_iter().filter(|(k, _)| !k.starts_with('_')).map(|(k, x)| (k, _strip_comments(x))).collect())
        }
        Value::Array(a) => Value::Array(a.into_iter().map(_strip_comments).collect()),
        other => other,
    }
}

/// The usage error for `key`, unknown in the config file `source`, with the nearest of `known`
/// (by edit distance, when it is close) as a suggestion.
pub fn unknown_key(key: &str, known: &[&str], source: &str) -> Error {
    let hint = _nearest(key, known).map(|k| format!("; did you mean \"{k}\"?")).unwrap_or_default();
    Error::Usage(format!("{source}: unknown config key \"{key}\" (keys starting with _ are comments){hint}"))
}

/// The one of `known` nearest to `key` by edit distance, when it is close enough to be a typo.
fn _nearest<'a>(key: &str, known: &[&'a str]) -> Option<&'a str> {
    let len = key.chars().count();
    let limit = (len as f64 / 4.0).max(2.0);
    // The difference of the lengths bounds the distance from below: a long key (a damaged file)
    // skips the quadratic comparison instead of taking seconds.
    known
        .iter()
        .filter(|k| len.abs_diff(k.chars().count()) as f64 <= limit)
        .map(|k| (*k, _distance(key, k)))
        .min_by_key(|&(_, d)| d)
        .filter(|&(_, d)| d as f64 <= limit)
        .map(|(k, _)| k)
}

/// Levenshtein distance in characters.
fn _distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut d: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = d[0];
        d[0] = i + 1;
        for j in 1..=b.len() {
            let t = d[j];
            d[j] = (d[j] + 1).min(d[j - 1] + 1).min(prev + usize::from(ca != b[j - 1]));
            prev = t;
        }
    }
    d[b.len()]
}

/// The largest integer a JSON number holds exactly (and the front end's `Number.MAX_SAFE_INTEGER`).
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

// The largest counts a config accepts. Each is far above any run keiro has made (bench/results)
// and low enough that a slip (`1e12` for `1e2`) is a usage error naming the key and the maximum
// instead of a run that never ends or exhausts memory. They bound each count alone, not the
// memory of a product of them (docs/limits.md).

/// The most instances or crystals of a set (`num_train_data`, …) and of a commodity list.
pub const MAX_ITEMS: u64 = 1_000_000;
/// The most epochs, and of what is counted in epochs (patience, schedule steps, PPO passes).
pub const MAX_EPOCHS: u64 = 100_000;
/// The most instances or crystals of a batch.
pub const MAX_BATCH: u64 = 65_536;
/// The widest layer (hidden sizes, projection widths, Gaussian centres, neighbours per node).
pub const MAX_WIDTH: u64 = 8_192;
/// The most layers of a stack or heads of a layer.
pub const MAX_LAYERS: u64 = 1_024;
/// The most worker threads.
pub const MAX_THREADS: u64 = 1_024;
/// The most runs of one command (`keiro glm train --seeds`, `keiro fuse --seeds`, `--repeat`).
pub const MAX_RUNS: u64 = 1_000;

/// What the value of a config key must be.
#[derive(Clone, Copy, Debug)]
pub enum Check {
    /// An integer ≥ the bound.
    Int(u64),
    /// An integer in `[lo, hi]`.
    IntIn(u64, u64),
    /// An even integer in `[lo, hi]`.
    EvenInt(u64, u64),
    /// A number between `lo` and `hi`, each bound included unless open.
    Num {
        /// Lower bound.
        lo: f64,
        /// Upper bound (may be infinite).
        hi: f64,
        /// `lo` excluded.
        lo_open: bool,
        /// `hi` excluded.
        hi_open: bool,
    },
    /// `true` or `false`.
    Bool,
    /// A non-empty string.
    Str,
    /// One of these strings (e.g. an enum's [`serde_names`]).
    OneOf(&'static [&'static str]),
    /// `null`, or what the check accepts.
    Nullable(&'static Check),
    /// What either check accepts.
    Either(&'static Check, &'static Check),
    /// What the predicate accepts; the text says what that is.
    Custom(fn(&Value) -> bool, &'static str),
}

impl Check {
    /// A number in (0, ∞).
    pub const POSITIVE: Check = Check::Num { lo: 0.0, hi: f64::INFINITY, lo_open: true, hi_open: true };
    /// A number in [0, ∞).
    pub const NON_NEGATIVE: Check = Check::Num { lo: 0.0, hi: f64::INFINITY, lo_open: false, hi_open: true };
    /// A number in [1, ∞).
    pub const AT_LEAST_ONE: Check = Check::Num { lo: 1.0, hi: f64::INFINITY, lo_open: false, hi_open: true };
    /// A number in [0, 1].
    pub const UNIT: Check = Check::Num { lo: 0.0, hi: 1.0, lo_open: false, hi_open: false };
    /// A number in [0, 1).
    pub const UNIT_OPEN_ABOVE: Check = Check::Num { lo: 0.0, hi: 1.0, lo_open: false, hi_open: true };
    /// A number in (0, 1].
    pub const UNIT_OPEN_BELOW: Check = Check::Num { lo: 0.0, hi: 1.0, lo_open: true, hi_open: false };

    /// Whether `v` passes.
    pub fn accepts(&self, v: &Value) -> bool {
        self.problem(v).is_none()
    }

    /// What `v` must be, in words (`"an integer ≥ 2"`), when it does not pass.
    pub fn problem(&self, v: &Value) -> Option<String> {
        let integer = |lo: u64, hi: f64| v.as_f64().is_some_and(|x| x.fract() == 0.0 && x >= lo as f64 && x <= hi);
        match *self {
            Check::Int(lo) => (!integer(lo, MAX_SAFE_INTEGER)).then(|| format!("an integer ≥ {lo}")),
            Check::IntIn(lo, hi) => (!integer(lo, hi as f64)).then(|| format!("an integer in [{lo}, {hi}]")),
            Check::EvenInt(lo, hi) => {
                if !integer(lo, hi as f64) {
                    Some(format!("an integer in [{lo}, {hi}]"))
                } else {
                    (v.as_f64().unwrap_or(0.0) % 2.0 != 0.0).then(|| format!("an even integer in [{lo}, {hi}]"))
                }
            }
            Check::Num { lo, hi, lo_open, hi_open } => {
                let ok = v
                    .as_f64()
                    .is_some_and(|x| x.is_finite() && if lo_open { x > lo } else { x >= lo } && if hi_open { x < hi } else { x <= hi });
                let hi_text = if hi.is_infinite() { "∞".to_string() } else { hi.to_string() };
                let (open, close) = (if lo_open { "(" } else { "[" }, if hi_open { ")" } else { "]" });
                (!ok).then(|| format!("a number in {open}{lo}, {hi_text}{close}"))
            }
            Check::Bool => (!v.is_boolean()).then(|| "true or false".to_string()),
            Check::Str => v.as_str().is_none_or(str::is_empty).then(|| "a non-empty string".to_string()),
            Check::OneOf(names) => (!v.as_str().is_some_and(|s| names.contains(&s))).then(|| {
                let quoted: Vec<String> = names.iter().map(|n| Value::from(*n).to_string()).collect();
                format!("one of {}", quoted.join(", "))
            }),
            Check::Nullable(c) => {
                if v.is_null() {
                    None
                } else {
                    c.problem(v).map(|p| format!("{p} or null"))
                }
            }
            Check::Either(a, b) => Some(format!("{} or {}", a.problem(v)?, b.problem(v)?)),
            Check::Custom(accepts, what) => (!accepts(v)).then(|| what.to_string()),
        }
    }
}

/// The first of `counts`, `(key, value, check)`, that its check rejects, as the message
/// `"{key} must be {what}, got {value}"`: for configs that serde reads into typed structs.
pub fn count_problem(counts: &[(&str, usize, Check)]) -> Option<String> {
    counts.iter().find_map(|&(key, value, check)| check.problem(&Value::from(value)).map(|p| format!("{key} must be {p}, got {value}")))
}

/// Checks every key of `obj`, a config from `source`: `check` gives a key's [`Check`], or `None`
/// for a key that is not one of `known` (an [`unknown_key`] error). A failing value is a usage error
/// `"{source}: {key} must be {what}, got {value}"`. Returns the keys with integral numbers written
/// as integers (`64.0` → `64`), ready for a typed struct.
pub fn check_keys(
    obj: Map<String, Value>,
    known: &[&str],
    check: impl Fn(&str) -> Option<Check>,
    source: &str,
) -> Result<Map<String, Value>> {
    let mut out = Map::new();
    for (key, value) in obj {
        let c = check(&key).ok_or_else(|| unknown_key(&key, known, source))?;
        if let Some(p) = c.problem(&value) {
            return Err(Error::Usage(format!("{source}: {key} must be {p}, got {value}")));
        }
        out.insert(key, _integral(value));
    }
    Ok(out)
}

fn _integral(v: Value) -> Value {
    match v {
        Value::Number(n) if n.is_f64() => match n.as_f64() {
            Some(x) if x.fract() == 0.0 && x.abs() <= MAX_SAFE_INTEGER => Value::from(x as i64),
            _ => Value::Number(n),
        },
        Value::Array(a) => Value::Array(a.into_iter().map(_integral).collect()),
        other => other,
    }
}

/// The field names of a struct, or the variant names of an enum, as serde spells them, in
/// declaration order (empty for other types).
pub fn serde_names<T: DeserializeOwned>() -> &'static [&'static str] {
    let mut names = None;
    let _ = T::deserialize(_Names(&mut names));
    names.unwrap_or(&[])
}

/// A deserializer that only records the names serde asks a struct or enum for.
struct _Names<'a>(&'a mut Option<&'static [&'static str]>);

impl<'de> serde::Deserializer<'de> for _Names<'_> {
    type Error = serde::de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> std::result::Result<V::Value, Self::Error> {
        Err(serde::de::Error::custom("names only"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        v: V,
    ) -> std::result::Result<V::Value, Self::Error> {
        *self.0 = Some(fields);
        self.deserialize_any(v)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        variants: &'static [&'static str],
        v: V,
    ) -> std::result::Result<V::Value, Self::Error> {
        *self.0 = Some(variants);
        self.deserialize_any(v)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option
        unit unit_struct newtype_struct seq tuple tuple_struct map identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::*;

    #[derive(Deserialize)]
    #[serde(rename_all = "snake_case")]
    #[allow(dead_code)]
    enum Shade {
        Light,
        VeryDark,
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Paint {
        shade: Shade,
        coats: u32,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Can {
        paint: Option<Paint>,
        #[serde(default)]
        litres: f64,
    }

    #[test]
    fn a_wrong_type_names_the_key_and_the_type_in_words() {
        let e = |text: &str| parse_config::<Can>(text, "can").err().expect("an error").to_string();
        assert_eq!(
            e(r#"{"paint": {"shade": "light", "coats": "16"}}"#),
            r#"invalid can config: paint.coats: expected a non-negative integer, got the string "16""#
        );
        assert_eq!(e(r#"{"litres": true}"#), "invalid can config: litres: expected a number, got boolean `true`");
        assert_eq!(
            e(r#"{"paint": {"shade": "red", "coats": 1}}"#),
            "invalid can config: paint.shade: unknown variant `red`, expected `light` or `very_dark`"
        );
        assert_eq!(
            e(r#"{"colour": 1}"#),
            "invalid can config: colour: unknown key (keys starting with _ are comments); expected `paint` or `litres`"
        );
        assert_eq!(
            e(r#"{"liters": 1}"#),
            r#"invalid can config: liters: unknown key (keys starting with _ are comments); did you mean "litres"?"#
        );
        assert!(e("{").starts_with("invalid can config: EOF"), "{}", e("{"));
        assert_eq!(parse_config::<Can>(r#"{"_note": 1, "litres": 2}"#, "can").unwrap().litres, 2.0);
    }

    #[test]
    fn serde_names_lists_fields_and_variants_as_serde_spells_them() {
        assert_eq!(serde_names::<Paint>(), ["shade", "coats"]);
        assert_eq!(serde_names::<Shade>(), ["light", "very_dark"]);
        assert!(serde_names::<u32>().is_empty());
    }

    #[test]
    fn config_object_drops_comments_at_every_depth_and_names_the_file() {
        let o = config_object(r#"{"_c": 1, "a": {"_d": 2, "b": [{"_e": 3, "f": 4}]}}"#, "x.json").unwrap();
        assert_eq!(Value::Object(o), json!({"a": {"b": [{"f": 4}]}}));
        let e = config_object("[1]", "x.json").unwrap_err().to_string();
        assert_eq!(e, "x.json: a config must be a JSON object");
        assert!(config_object("{", "x.json").unwrap_err().to_string().starts_with("x.json: not valid JSON: "));
    }

    #[test]
    fn checks_say_what_is_expected() {
        let cases: [(Check, Value, Option<&str>); 17] = [
            (Check::Int(2), json!(2.0), None),
            (Check::Int(2), json!("64"), Some("an integer ≥ 2")),
            (Check::Int(0), json!(-1), Some("an integer ≥ 0")),
            (Check::IntIn(1, 10), json!(10), None),
            (Check::IntIn(1, 10), json!(1e12), Some("an integer in [1, 10]")),
            (Check::EvenInt(2, 8), json!(33), Some("an integer in [2, 8]")),
            (Check::EvenInt(2, 8), json!(7), Some("an even integer in [2, 8]")),
            (Check::EvenInt(2, 8), json!(1.5), Some("an integer in [2, 8]")),
            (Check::UNIT_OPEN_ABOVE, json!(1), Some("a number in [0, 1)")),
            (Check::UNIT_OPEN_BELOW, json!(1), None),
            (Check::AT_LEAST_ONE, json!(0.5), Some("a number in [1, ∞)")),
            (Check::Bool, json!("yes"), Some("true or false")),
            (Check::Str, json!(""), Some("a non-empty string")),
            (Check::OneOf(&["sum", "mean"]), json!("max"), Some(r#"one of "sum", "mean""#)),
            (Check::Nullable(&Check::Int(1)), json!(null), None),
            (Check::Nullable(&Check::Int(1)), json!(0), Some("an integer ≥ 1 or null")),
            (Check::Either(&Check::Str, &Check::Int(0)), json!(-1), Some("a non-empty string or an integer ≥ 0")),
        ];
        for (c, v, want) in cases {
            assert_eq!(c.problem(&v).as_deref(), want, "{c:?} {v}");
        }
    }

    #[test]
    fn check_keys_names_the_file_the_key_and_the_value_and_suggests_a_known_key() {
        let check = |k: &str| match k {
            "hidden_dim" => Some(Check::EvenInt(2, 1024)),
            "rate" => Some(Check::POSITIVE),
            _ => None,
        };
        let known = ["hidden_dim", "rate"];
        let obj = |v: Value| v.as_object().unwrap().clone();
        let ok = check_keys(obj(json!({"hidden_dim": 64.0, "rate": 0.5})), &known, check, "c.json").unwrap();
        assert_eq!(Value::Object(ok).to_string(), r#"{"hidden_dim":64,"rate":0.5}"#);
        let e = check_keys(obj(json!({"hidden_dim": "64"})), &known, check, "c.json").unwrap_err().to_string();
        assert_eq!(e, r#"c.json: hidden_dim must be an integer in [2, 1024], got "64""#);
        let e = check_keys(obj(json!({"hidden_dims": 64})), &known, check, "c.json").unwrap_err().to_string();
        assert_eq!(e, r#"c.json: unknown config key "hidden_dims" (keys starting with _ are comments); did you mean "hidden_dim"?"#);
        let e = check_keys(obj(json!({"frobnicate": 1})), &known, check, "c.json").unwrap_err().to_string();
        assert!(e.ends_with("(keys starting with _ are comments)"), "{e}");
    }

    #[test]
    fn a_huge_unknown_key_is_reported_at_once() {
        // found by tests/fuzz_test.ts: a 1.2 MB key took seconds of edit distances against every key
        let key = "hidden_dim".repeat(100_000);
        let names: Vec<String> = (0..60).map(|i| format!("config_key_{i}")).collect();
        let known: Vec<&str> = names.iter().map(String::as_str).chain(["hidden_dim"]).collect();
        let t = std::time::Instant::now();
        let e = unknown_key(&key, &known, "c.json").to_string();
        assert!(t.elapsed().as_secs_f64() < 0.5, "{:?}", t.elapsed());
        assert!(e.starts_with("c.json: unknown config key \"hidden_dimhidden_dim") && !e.contains("did you mean"));
    }
}
