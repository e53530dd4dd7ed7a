//! The GLM seed's application: speech enhancement with a mask estimated over a graph of
//! time-frequency bins. Synthetic speech-like clips ([`synth`]), the STFT ([`stft`]), the SI-SDR
//! metric ([`si_sdr`]) and the mask estimator's training and evaluation ([`enhancer`]).

pub mod enhancer;
pub mod si_sdr;
pub mod stft;
pub mod synth;
