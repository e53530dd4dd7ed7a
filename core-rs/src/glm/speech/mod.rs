//! The GLM seed's application: speech enhancement with a mask estimated over a graph of
//! time-frequency bins. Synthetic speech-like clips ([`synth`]), the STFT ([`stft`]), the SI-SDR
//! metric ([`si_sdr`]), the differentiable inverse and SI-SDR loss the training may use
//! ([`masked_inverse`], [`si_sdr_loss`]) and the mask estimator's training and evaluation ([`enhancer`]).

pub mod enhancer;
pub mod masked_inverse;
pub mod si_sdr;
pub mod si_sdr_loss;
pub mod stft;
pub mod synth;
