//! The plan as a document: what `plan --format json` prints
//! ([`PlanDocument`]) and what `plan --out` saves for `apply --plan`
//! ([`PlanFile`]). Both read back into the same types, so the contract
//! between CI jobs is Rust types, documented in `docs/plan-format.md`.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::analysis::rules::Violation;
use crate::model::catalogue::PermissionType;
use crate::model::desired::Lifecycle;
use crate::model::entity::EntityKind;
use crate::model::state::{AccessState, AuthorizationTuple, Membership};
use crate::plan::access::{AccessChange, Risk};
use crate::plan::change::{AttributeChange, Cascaded, Change, HeldBack, Plan, Unmanaged};
use crate::plan::review::{Review, Warning};

/// Version of the plan document (and of the plan file around it).
pub const PLAN_FORMAT_VERSION: u32 = 1;

/// A change as the documents write it: the entity as kind, ID and
/// attributes (never a password).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "action", rename_all = "kebab-case")]
pub enum ChangeRecord {
    /// See [`Change::Create`].
    Create {
        /// Kind.
        kind: EntityKind,
        /// ID.
        id: String,
        /// Attributes (name, description, claim, …).
        attributes: BTreeMap<String, String>,
    },
    /// See [`Change::Update`].
    Update {
        /// Kind.
        kind: EntityKind,
        /// ID.
        id: String,
        /// What differs.
        attributes: Vec<AttributeChange>,
    },
    /// See [`Change::Delete`].
    Delete {
        /// Kind.
        kind: EntityKind,
        /// ID.
        id: String,
        /// What Camunda removes with it.
        cascade: Vec<Cascaded>,
    },
    /// See [`Change::AddMember`].
    AddMember(Membership),
    /// See [`Change::RemoveMember`].
    RemoveMember(Membership),
    /// See [`Change::CreateAuthorization`].
    CreateAuthorization {
        /// Its tuple.
        tuple: AuthorizationTuple,
        /// Permissions granted.
        permissions: BTreeSet<PermissionType>,
    },
    /// See [`Change::UpdateAuthorization`].
    UpdateAuthorization {
        /// Its tuple.
        tuple: AuthorizationTuple,
        /// The live key.
        key: String,
        /// Live permissions.
        before: BTreeSet<PermissionType>,
        /// Desired permissions.
        after: BTreeSet<PermissionType>,
    },
    /// See [`Change::DeleteAuthorization`].
    DeleteAuthorization {
        /// Its tuple.
        tuple: AuthorizationTuple,
        /// The live key.
        key: String,
        /// What it granted.
        permissions: BTreeSet<PermissionType>,
    },
}

impl From<&Change> for ChangeRecord {
    fn from(change: &Change) -> ChangeRecord {
        match change.clone() {
            Change::Create { entity } => ChangeRecord::Create {
                kind: entity.kind(),
                id: entity.id().to_owned(),
                attributes: entity
                    .attributes()
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v))
                    .collect(),
            },
            Change::Update { entity, attributes } => ChangeRecord::Update {
                kind: entity.kind(),
                id: entity.id().to_owned(),
                attributes,
            },
            Change::Delete { entity, cascade } => ChangeRecord::Delete {
                kind: entity.kind(),
                id: entity.id().to_owned(),
                cascade,
            },
            Change::AddMember(m) => ChangeRecord::AddMember(m),
            Change::RemoveMember(m) => ChangeRecord::RemoveMember(m),
            Change::CreateAuthorization { tuple, permissions } => {
                ChangeRecord::CreateAuthorization { tuple, permissions }
            }
            Change::UpdateAuthorization {
                tuple,
                key,
                before,
                after,
            } => ChangeRecord::UpdateAuthorization {
                tuple,
                key,
                before,
                after,
            },
            Change::DeleteAuthorization {
                tuple,
                key,
                permissions,
            } => ChangeRecord::DeleteAuthorization {
                tuple,
                key,
                permissions,
            },
        }
    }
}

impl Serialize for Change {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        ChangeRecord::from(self).serialize(serializer)
    }
}

/// Terraform's counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Summary {
    /// To add.
    pub add: usize,
    /// To change.
    pub change: usize,
    /// To destroy (what deletions take with them included).
    pub destroy: usize,
}

/// A change with the risk tags a reviewer sees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ChangeEntry {
    /// The change.
    #[serde(flatten)]
    pub change: ChangeRecord,
    /// Its risks, judged against the state after the plan.
    pub risks: Vec<Risk>,
}

/// `entries` as a plan file holds them: every string with secret values
/// masked (IDs and owners too, as the file's text is masked whole).
pub fn redacted(entries: &[ChangeEntry]) -> Vec<ChangeEntry> {
    fn mask(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::String(s) => {
                if let std::borrow::Cow::Owned(masked) = crate::secrets::redact(s) {
                    *s = masked;
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(mask),
            serde_json::Value::Object(map) => map.values_mut().for_each(mask),
            _ => {}
        }
    }
    let mut value = serde_json::to_value(entries).expect("documents serialize");
    mask(&mut value);
    // Masked text in a typed field (a kind, a risk) no longer reads back:
    // such a plan compares unequal, and is refused as stale.
    serde_json::from_value(value).unwrap_or_default()
}

/// A difference the plan does not act on, and the lifecycle that holds it
/// back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct HeldBackEntry {
    /// The change `lifecycle: manage` would make.
    pub change: ChangeRecord,
    /// The object whose lifecycle holds it back (`group:eng`, or the
    /// authorization).
    pub object: String,
    /// `observe`, or `create-only` (the object exists).
    pub lifecycle: Lifecycle,
}

impl From<&HeldBack> for HeldBackEntry {
    fn from(h: &HeldBack) -> HeldBackEntry {
        HeldBackEntry {
            change: ChangeRecord::from(&h.change),
            object: h.object.clone(),
            lifecycle: h.lifecycle,
        }
    }
}

/// A warning with its message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WarningEntry {
    /// The warning.
    #[serde(flatten)]
    pub warning: Warning,
    /// As a sentence.
    pub message: String,
}

impl WarningEntry {
    /// Every warning of a review.
    pub fn all(review: &Review) -> Vec<WarningEntry> {
        review
            .warnings
            .iter()
            .map(|w| WarningEntry {
                warning: w.clone(),
                message: w.to_string(),
            })
            .collect()
    }
}

/// Changes with their risk tags.
pub fn entries(changes: &[Change], review: &Review) -> Vec<ChangeEntry> {
    changes
        .iter()
        .map(|c| ChangeEntry {
            change: ChangeRecord::from(c),
            risks: review.risks(c).into_iter().collect(),
        })
        .collect()
}

/// What `plan --format json` prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PlanDocument {
    /// [`PLAN_FORMAT_VERSION`].
    pub format_version: u32,
    /// The cluster.
    pub target: String,
    /// Counts.
    pub summary: Summary,
    /// Every change.
    pub changes: Vec<ChangeEntry>,
    /// Who gains and loses what.
    pub effective_access: Vec<AccessChange>,
    /// What the cluster holds that the files do not own.
    pub unmanaged: Vec<Unmanaged>,
    /// What a reviewer should know.
    pub warnings: Vec<WarningEntry>,
    /// Guardrail rules the state after the plan breaks, those the plan
    /// introduces marked so; absent in documents of older versions.
    #[serde(default)]
    pub violations: Vec<Violation>,
    /// Differences of `observe` objects, and of `create-only` objects that
    /// exist: not applied. Absent in documents of older versions.
    #[serde(default)]
    pub held_back: Vec<HeldBackEntry>,
    /// Renames (`moved:`) the plan carries out, as `kind:id`; absent in
    /// documents of older versions.
    #[serde(default)]
    pub moved: Vec<MovedEntry>,
}

/// A rename the plan carries out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MovedEntry {
    /// The old object, deleted last.
    pub from: String,
    /// The new object.
    pub to: String,
}

impl PlanDocument {
    /// The document of a reviewed plan.
    pub fn new(plan: &Plan, review: &Review, target: &str) -> PlanDocument {
        let (add, change, destroy) = plan.counts();
        PlanDocument {
            format_version: PLAN_FORMAT_VERSION,
            target: target.to_owned(),
            summary: Summary {
                add,
                change,
                destroy,
            },
            changes: entries(&plan.changes, review),
            effective_access: review.access.clone(),
            unmanaged: plan.unmanaged.clone(),
            warnings: WarningEntry::all(review),
            violations: review.violations.clone(),
            held_back: plan.held_back.iter().map(HeldBackEntry::from).collect(),
            moved: plan
                .renames()
                .into_iter()
                .map(|m| MovedEntry {
                    from: m.from.to_string(),
                    to: m.to.to_string(),
                })
                .collect(),
        }
    }
}

/// What a saved plan records besides its changes, so `apply --plan` can
/// refuse a stale one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanRecord {
    /// This tool's version.
    pub tool_version: String,
    /// The cluster (address without credentials, or the embedded simulator).
    pub target: String,
    /// The cluster's Camunda version.
    pub camunda_version: String,
    /// sha256 of the desired state.
    pub desired_sha256: String,
    /// sha256 of the live state the plan was computed from.
    pub live_sha256: String,
    /// The configuration paths as `plan` was given them (relative to the
    /// directory it ran in), so `apply --plan FILE` needs no paths.
    #[serde(default)]
    pub paths: Vec<String>,
    /// Where `plan` ran, relative to the plan file's directory.
    #[serde(default)]
    pub base: String,
    /// sha256 of each configuration file's text, by the name it was read
    /// under, so a stale plan names the files that changed.
    #[serde(default)]
    pub files: BTreeMap<String, String>,
}

/// What `plan --out FILE` writes: the document, the record, and the live
/// state the plan was computed from (so a stale plan can say what changed
/// since).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanFile {
    /// The plan document.
    #[serde(flatten)]
    pub document: PlanDocument,
    /// Its inputs.
    pub record: PlanRecord,
    /// The live state it was computed from; absent in files of older
    /// versions.
    #[serde(default)]
    pub live_state: Option<AccessState>,
}

/// A document as pretty JSON with its keys in order, and a final newline.
pub fn to_json<T: Serialize>(document: &T) -> String {
    // Through a `Value`: its keys are sorted, as every document's are.
    let value = serde_json::to_value(document).expect("documents serialize");
    let mut text = serde_json::to_string_pretty(&value).expect("documents serialize");
    text.push('\n');
    text
}
