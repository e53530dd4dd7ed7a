//! The device a model computes on, from the user's spelling of it: `cpu`, `cuda` (= `cuda:0`) or
//! `cuda:N`. CUDA devices exist only in the `cuda` build (cargo feature `cuda`); the default build
//! refuses them with a usage error that says which build it is and how to get the other one, so a
//! request for the GPU never runs silently on the CPU.

use candle_core::Device;

use crate::{Error, Result};

/// Whether this library was built with the CUDA backend (cargo feature `cuda`).
pub const CUDA_BUILD: bool = cfg!(feature = "cuda");

/// A parsed device spelling: `None` for the CPU, `Some(n)` for CUDA device `n`.
pub fn parse(spec: &str) -> Result<Option<usize>> {
    match spec {
        "cpu" => Ok(None),
        "cuda" => Ok(Some(0)),
        _ => match spec.strip_prefix("cuda:").map(str::parse::<usize>) {
            Some(Ok(n)) => Ok(Some(n)),
            _ => Err(Error::Usage(format!("device {spec:?} is not one of cpu, cuda, cuda:N"))),
        },
    }
}

/// The device `spec` names (see [`parse`]), opened.
pub fn device(spec: &str) -> Result<Device> {
    match parse(spec)? {
        None => Ok(Device::Cpu),
        Some(n) => _cuda(n),
    }
}

/// The user's spelling of `device`: `cpu` or `cuda:N`.
pub fn name(device: &Device) -> String {
    match device.location() {
        candle_core::DeviceLocation::Cuda { gpu_id } => format!("cuda:{gpu_id}"),
        candle_core::DeviceLocation::Cpu => "cpu".into(),
        candle_core::DeviceLocation::Metal { gpu_id } => format!("metal:{gpu_id}"),
    }
}

#[cfg(feature = "cuda")]
fn _cuda(n: usize) -> Result<Device> {
    Device::new_cuda(n).map_err(|e| Error::Usage(format!("cannot open CUDA device {n}: {e}")))
}

#[cfg(not(feature = "cuda"))]
fn _cuda(n: usize) -> Result<Device> {
    Err(Error::Usage(format!(
        "device cuda:{n} needs keiro's CUDA build; this library is the CPU-only build (build the CUDA one with `bash scripts/install.sh cuda`, see docs/gpu.md)"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_parse_and_others_are_usage_errors_naming_them() {
        assert_eq!(parse("cpu").unwrap(), None);
        assert_eq!(parse("cuda").unwrap(), Some(0));
        assert_eq!(parse("cuda:3").unwrap(), Some(3));
        for bad in ["gpu", "cuda:", "cuda:x", "cuda:-1", "CPU", ""] {
            let e = parse(bad).unwrap_err();
            assert!(matches!(e, Error::Usage(_)), "{bad}: {e:?}");
            assert!(e.to_string().contains(&format!("{bad:?}")), "{e}");
        }
        assert_eq!(name(&device("cpu").unwrap()), "cpu");
    }

    #[cfg(not(feature = "cuda"))]
    #[test]
    fn the_cpu_build_refuses_cuda_and_says_how_to_build_it() {
        let e = device("cuda:1").unwrap_err();
        assert!(matches!(e, Error::Usage(_)), "{e:?}");
        let m = e.to_string();
        assert!(m.contains("cuda:1") && m.contains("CPU-only build") && m.contains("scripts/install.sh cuda"), "{m}");
    }
}
