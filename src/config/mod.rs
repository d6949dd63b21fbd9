//! Reading the desired state: files, YAML with spans, `${env:…}`
//! interpolation, and validation into the model with located diagnostics.

pub mod diagnostic;
pub mod interpolate;
pub mod loader;
pub mod raw;
pub mod source;
pub mod validator;

use std::path::PathBuf;

pub use diagnostic::{Code, Diagnostic, Diagnostics, Severity};
pub use interpolate::Variables;
pub use loader::Loader;
pub use source::Sources;
pub use validator::Validator;

use crate::model::catalogue::CamundaVersion;
use crate::model::desired::Desired;

/// The result of reading one desired state.
#[derive(Debug)]
pub struct Outcome {
    /// Every file read, for rendering diagnostics.
    pub sources: Sources,
    /// Every problem found, sorted by place.
    pub diagnostics: Diagnostics,
    /// The desired state; `None` when there are errors.
    pub desired: Option<Desired>,
}

/// Reads, parses and validates the files at `paths` as one desired state.
pub fn load(paths: &[PathBuf], version: CamundaVersion, vars: &Variables) -> Outcome {
    let loaded = Loader.load(paths);
    let mut diagnostics = loaded.diagnostics;
    let (desired, found) = Validator::new(&loaded.sources, vars, version).validate(&loaded.files);
    for d in found.iter() {
        diagnostics.push(d.clone());
    }
    diagnostics.sort();
    let desired = (!diagnostics.has_errors()).then_some(desired);
    Outcome {
        sources: loaded.sources,
        diagnostics,
        desired,
    }
}
