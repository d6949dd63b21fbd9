//! Safety guards: refusals (exit 3) before anything is written, each with
//! its reason and the flag that overrides it.

use std::collections::BTreeSet;
use std::fmt;

use crate::model::catalogue::ResourceType;
use crate::model::desired::Desired;
use crate::model::state::{AccessState, Container, Principal};
use crate::plan::Plan;
use crate::plan::access::{Permission, effective_all};

/// Why an apply is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The tool's own principal would lose access-control permissions it
    /// needs to run again.
    Lockout {
        /// The tool's principal.
        principal: Principal,
        /// What it would lose.
        lost: Vec<Permission>,
    },
    /// The `admin` role would have no members left.
    AdminEmpty,
    /// More deletions than allowed.
    TooManyDeletes {
        /// Deletions in the plan.
        count: usize,
        /// The budget.
        max: usize,
    },
    /// The configuration declares nothing, yet prunes.
    EmptyWithPrune,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Lockout { principal, lost } => {
                let lost: Vec<String> = lost.iter().map(ToString::to_string).collect();
                write!(
                    f,
                    "{principal}, which this tool runs as, would lose {} — it could not apply again (override with --allow-lockout)",
                    lost.join(", ")
                )
            }
            Refusal::AdminEmpty => f.write_str(
                "the admin role would be left with no members (override with --allow-lockout)",
            ),
            Refusal::TooManyDeletes { count, max } => write!(
                f,
                "the plan deletes {count} objects, more than the budget of {max} (raise it with --max-deletes {count})"
            ),
            Refusal::EmptyWithPrune => f.write_str(
                "the configuration declares nothing but prunes undeclared objects: it would delete everything of the pruned kinds (declare something, or remove policy.prune)",
            ),
        }
    }
}

/// The resource types whose permissions this tool needs to read and write
/// access control.
pub const ACCESS_CONTROL: [ResourceType; 6] = [
    ResourceType::Authorization,
    ResourceType::Group,
    ResourceType::Role,
    ResourceType::Tenant,
    ResourceType::MappingRule,
    ResourceType::User,
];

/// What the guards look at.
#[derive(Debug)]
pub struct Inputs<'a> {
    /// The plan.
    pub plan: &'a Plan,
    /// The live state now.
    pub live: &'a AccessState,
    /// The live state after the plan.
    pub after: &'a AccessState,
    /// The configuration.
    pub desired: &'a Desired,
    /// The principals this tool may run as (none when unknown).
    pub me: &'a [Principal],
    /// `--max-deletes`.
    pub max_deletes: usize,
    /// `--allow-lockout`.
    pub allow_lockout: bool,
}

/// Every guard that refuses.
pub fn check(inputs: &Inputs<'_>) -> Vec<Refusal> {
    let mut refusals = Vec::new();
    if !inputs.allow_lockout {
        let before = effective_all(inputs.live);
        let after = effective_all(inputs.after);
        for me in inputs.me {
            let empty = BTreeSet::new();
            let kept = after.get(me).unwrap_or(&empty);
            let lost: Vec<Permission> = before
                .get(me)
                .unwrap_or(&empty)
                .iter()
                .filter(|p| ACCESS_CONTROL.contains(&p.resource_type) && !kept.contains(p))
                .cloned()
                .collect();
            if !lost.is_empty() {
                refusals.push(Refusal::Lockout {
                    principal: me.clone(),
                    lost,
                });
            }
        }
        let admin = Container::Role("admin".into());
        let members = |s: &AccessState| {
            s.memberships
                .iter()
                .filter(|m| m.container == admin)
                .count()
        };
        if members(inputs.live) > 0 && members(inputs.after) == 0 {
            refusals.push(Refusal::AdminEmpty);
        }
    }
    // What a deletion takes with it counts too; what a rename carries
    // over to the new object does not.
    let (_, _, deletes) = inputs.plan.counts();
    let deletes = deletes - inputs.plan.renamed_deletes();
    if deletes > inputs.max_deletes {
        refusals.push(Refusal::TooManyDeletes {
            count: deletes,
            max: inputs.max_deletes,
        });
    }
    let d = inputs.desired;
    let declares_nothing = d.state.tenants.is_empty()
        && d.state.groups.is_empty()
        && d.state.roles.is_empty()
        && d.state.mapping_rules.is_empty()
        && d.state.users.is_empty()
        && d.state.memberships.is_empty()
        && d.state.authorizations.is_empty()
        && d.containers.is_empty();
    if declares_nothing && !d.policy.prune.is_empty() {
        refusals.push(Refusal::EmptyWithPrune);
    }
    refusals
}
