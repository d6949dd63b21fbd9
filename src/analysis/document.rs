//! The JSON documents of `explain` and `who-can` (`format_version` 1):
//! typed, so they read back as they were written.

use serde::{Deserialize, Serialize};

use crate::analysis::analyzer::Explanation;
use crate::analysis::check::{Check, Verdict};
use crate::analysis::operations::{self, Callable, Operation};
use crate::analysis::who_can::Holder;
use crate::model::catalogue::CamundaVersion;
use crate::model::state::Principal;

/// The version of the `explain` and `who-can` documents; a change that
/// removes or renames a field raises it.
pub const ANALYSIS_FORMAT_VERSION: u32 = 1;

/// Where the state analyzed came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "from", rename_all = "kebab-case")]
pub enum Source {
    /// The configuration files: what the policy grants.
    Files {
        /// The paths read.
        paths: Vec<String>,
        /// The Camunda version whose catalogue applied.
        camunda_version: CamundaVersion,
    },
    /// A cluster: what is in force, grants made by hand included.
    Cluster {
        /// The cluster as it may be shown.
        target: String,
        /// Its Camunda version.
        camunda_version: CamundaVersion,
    },
}

impl Source {
    /// Whether the state came from the files (built-in roles'
    /// authorizations are then Camunda's defaults of the version, not the
    /// cluster's).
    pub fn is_files(&self) -> bool {
        matches!(self, Source::Files { .. })
    }

    /// The Camunda version whose catalogue applied.
    pub fn camunda_version(&self) -> CamundaVersion {
        match self {
            Source::Files {
                camunda_version, ..
            }
            | Source::Cluster {
                camunda_version, ..
            } => *camunda_version,
        }
    }
}

/// The note on built-in roles read from the files: `whose` authorizations
/// counted are Camunda's defaults of `version`.
fn defaults(whose: &str, version: CamundaVersion) -> String {
    format!(
        "{whose} authorizations counted here are Camunda's defaults on a fresh {version} cluster (the files do not hold them); a cluster can differ where someone changed them by hand, --live reads the real ones"
    )
}

/// What `explain --format json` prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExplainDocument {
    /// [`ANALYSIS_FORMAT_VERSION`].
    pub format_version: u32,
    /// Where the state came from.
    pub source: Source,
    /// The subject's effective access.
    pub explanation: Explanation,
    /// The answer to `--check`, when asked.
    pub check: Option<Verdict>,
    /// With `--check`: the REST operations that need the permission asked
    /// about, and how each answers a caller without it.
    #[serde(default)]
    pub check_operations: Vec<Operation>,
    /// With `--operations`: the REST operations the subject may call.
    #[serde(default)]
    pub operations: Option<Vec<Callable>>,
    /// What the reader should know (e.g. built-in roles read from files).
    pub notes: Vec<String>,
}

impl ExplainDocument {
    /// The document of an explanation (and a verdict); with `operations`,
    /// the REST operations it allows too.
    pub fn new(
        source: Source,
        explanation: Explanation,
        check: Option<Verdict>,
        operations: bool,
    ) -> Self {
        let version = source.camunda_version();
        let check_operations = check
            .as_ref()
            .map(|v| {
                operations::needing(version, v.check.resource_type, v.check.permission)
                    .into_iter()
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        let operations = operations.then(|| operations::callable(&explanation, version));
        let mut notes = Vec::new();
        if source.is_files() {
            for role in explanation.built_in_roles() {
                notes.push(format!(
                    "role {role} is built in: {}",
                    defaults("its", version)
                ));
            }
        }
        ExplainDocument {
            format_version: ANALYSIS_FORMAT_VERSION,
            source,
            explanation,
            check,
            check_operations,
            operations,
            notes,
        }
    }
}

/// What `who-can --format json` prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WhoCanDocument {
    /// [`ANALYSIS_FORMAT_VERSION`].
    pub format_version: u32,
    /// Where the state came from.
    pub source: Source,
    /// The question.
    pub check: Check,
    /// Every principal that holds it.
    pub holders: Vec<Holder>,
    /// What the reader should know.
    pub notes: Vec<String>,
}

impl WhoCanDocument {
    /// The document of `who-can`'s answer.
    pub fn new(source: Source, check: Check, holders: Vec<Holder>) -> Self {
        let mut notes = Vec::new();
        let built_in = |p: &Principal| matches!(p, Principal::Role(r) if crate::model::catalogue::BUILT_IN_ROLES.contains(&r.as_str()));
        if source.is_files()
            && holders
                .iter()
                .any(|h| h.paths.iter().any(|g| built_in(&g.path.owner)))
        {
            notes.push(defaults("the built-in roles'", source.camunda_version()));
        }
        if holders
            .iter()
            .any(|h| matches!(h.principal, Principal::MappingRule(_)))
        {
            notes.push("every token that matches a listed mapping rule holds it too".to_owned());
        }
        WhoCanDocument {
            format_version: ANALYSIS_FORMAT_VERSION,
            source,
            check,
            holders,
            notes,
        }
    }
}
