//! `Analyzer`: a principal's (or a token's) effective access in one state,
//! every permission with every path it comes through.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::analysis::claims::{self, Comparison, TokenSettings};
use crate::analysis::path::{Hop, Path};
use crate::model::catalogue::{PermissionType, ResourceType};
use crate::model::ids::{MappingRuleId, RoleId};
use crate::model::state::{AccessState, Container, Grant, Principal, ResourceSelector};

/// Whose access is asked about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Subject {
    /// A user, client, group, role or mapping rule.
    Principal {
        /// Which.
        principal: Principal,
    },
    /// Whoever presents a token with these claims.
    Token {
        /// The token's claims.
        claims: Value,
        /// How the cluster reads tokens.
        settings: TokenSettings,
    },
}

impl Subject {
    /// Reads `client:ID`, `user:NAME`, `group:ID`, `role:ID` or
    /// `mapping-rule:ID` (`token` needs claims: [`Subject::Token`]).
    pub fn principal(text: &str) -> Result<Principal, crate::analysis::Unreadable> {
        let (kind, id) = text.split_once(':').ok_or_else(|| {
            format!("{text:?} names no principal: write client:ID, user:NAME, group:ID, role:ID, mapping-rule:ID or token")
        })?;
        if id.is_empty() {
            return Err(format!("{text:?} has no ID after the colon").into());
        }
        Ok(match kind {
            "client" => Principal::Client(id.into()),
            "user" => Principal::User(id.into()),
            "group" => Principal::Group(id.into()),
            "role" => Principal::Role(id.into()),
            "mapping-rule" => Principal::MappingRule(id.into()),
            other => {
                return Err(format!(
                    "unknown principal kind {other:?}: use client, user, group, role, mapping-rule or token"
                )
                .into());
            }
        })
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Principal { principal } => write!(f, "{principal}"),
            Subject::Token { .. } => f.write_str("token"),
        }
    }
}

/// A group, role or tenant the subject belongs to, and through what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reached {
    /// The container.
    pub container: Container,
    /// The hops to the member that is in it, one list per way (empty: the
    /// subject itself is the member).
    pub through: Vec<Vec<Hop>>,
}

/// One permission with the paths it comes through.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Granted {
    /// The permission.
    pub permission: PermissionType,
    /// Every path, sorted.
    pub paths: Vec<Path>,
}

/// The permissions the subject holds on one resource selector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceAccess {
    /// The resource type.
    pub resource_type: ResourceType,
    /// The resources (`*`, an ID, or a property).
    pub resource: ResourceSelector,
    /// The permissions, alphabetically.
    pub permissions: Vec<Granted>,
}

/// Whether one mapping rule matches the token, and what it brings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleMatch {
    /// The rule.
    pub id: MappingRuleId,
    /// Its claim name.
    pub claim: String,
    /// Its value.
    pub value: String,
    /// Whether the token matches it.
    pub matched: bool,
    /// How the claim was compared (equals a scalar, contains in an array,
    /// missing).
    pub comparison: Comparison,
    /// The containers the rule is a member of (what it brings when it matches).
    pub brings: Vec<Container>,
}

/// What a token's claims name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenReport {
    /// The user or client the token names, with the claim; `None` when it
    /// names none (Camunda refuses such a token).
    pub principal: Option<Principal>,
    /// The claim that names it.
    pub principal_claim: Option<String>,
    /// Every mapping rule, matched or not.
    pub rules: Vec<RuleMatch>,
    /// The groups named by the groups claim.
    pub groups: Vec<crate::model::ids::GroupId>,
    /// Problems Camunda would have with the token.
    pub problems: Vec<String>,
}

/// A subject's effective access.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Explanation {
    /// Whose.
    pub subject: Subject,
    /// For a token: what its claims name and match.
    pub token: Option<TokenReport>,
    /// The groups, roles and tenants it belongs to (tenant membership
    /// scopes data; it grants no permission).
    pub memberships: Vec<Reached>,
    /// Its permissions, by resource type and resource.
    pub access: Vec<ResourceAccess>,
}

impl Explanation {
    /// Every (resource type, resource, permission, path) of the explanation.
    pub fn grants(
        &self,
    ) -> impl Iterator<Item = (ResourceType, &ResourceSelector, PermissionType, &Path)> {
        self.access.iter().flat_map(|a| {
            a.permissions.iter().flat_map(move |g| {
                g.paths
                    .iter()
                    .map(move |p| (a.resource_type, &a.resource, g.permission, p))
            })
        })
    }

    /// The built-in roles the subject is or belongs to (their
    /// authorizations are Camunda's; files do not hold them).
    pub fn built_in_roles(&self) -> Vec<RoleId> {
        let itself = match &self.subject {
            Subject::Principal {
                principal: Principal::Role(id),
            } => Some(id),
            _ => None,
        };
        let roles: BTreeSet<RoleId> = itself
            .into_iter()
            .chain(self.memberships.iter().filter_map(|r| match &r.container {
                Container::Role(id) => Some(id),
                _ => None,
            }))
            .filter(|id| crate::model::catalogue::BUILT_IN_ROLES.contains(&id.as_str()))
            .cloned()
            .collect();
        roles.into_iter().collect()
    }
}

/// Effective access in one state, with indexes built once (for `who-can`,
/// which explains every principal).
#[derive(Debug)]
pub struct Analyzer<'a> {
    state: &'a AccessState,
    containers: BTreeMap<&'a Principal, Vec<&'a Container>>,
    owned: BTreeMap<&'a Principal, Vec<(ResourceType, &'a ResourceSelector, &'a Grant)>>,
}

impl<'a> Analyzer<'a> {
    /// An analyzer of `state`.
    pub fn new(state: &'a AccessState) -> Analyzer<'a> {
        let mut containers: BTreeMap<&Principal, Vec<&Container>> = BTreeMap::new();
        for m in &state.memberships {
            containers.entry(&m.member).or_default().push(&m.container);
        }
        let mut owned: BTreeMap<&Principal, Vec<_>> = BTreeMap::new();
        for (tuple, grant) in &state.authorizations {
            owned.entry(&tuple.owner).or_default().push((
                tuple.resource_type,
                &tuple.resource,
                grant,
            ));
        }
        Analyzer {
            state,
            containers,
            owned,
        }
    }

    /// The state analyzed.
    pub fn state(&self) -> &'a AccessState {
        self.state
    }

    /// Every principal the state knows: entities, members, containers and
    /// owners of authorizations (clients exist only there).
    pub fn principals(&self) -> BTreeSet<Principal> {
        let s = self.state;
        let mut all: BTreeSet<Principal> = BTreeSet::new();
        all.extend(s.users.keys().map(|u| Principal::User(u.clone())));
        all.extend(s.groups.keys().map(|g| Principal::Group(g.clone())));
        all.extend(s.roles.keys().map(|r| Principal::Role(r.clone())));
        all.extend(
            s.mapping_rules
                .keys()
                .map(|m| Principal::MappingRule(m.clone())),
        );
        for m in &s.memberships {
            all.insert(m.member.clone());
            match &m.container {
                Container::Group(g) => {
                    all.insert(Principal::Group(g.clone()));
                }
                Container::Role(r) => {
                    all.insert(Principal::Role(r.clone()));
                }
                Container::Tenant(_) => {}
            }
        }
        all.extend(s.authorizations.keys().map(|t| t.owner.clone()));
        all
    }

    /// The subject's effective access, every permission with its paths.
    pub fn explain(&self, subject: &Subject) -> Explanation {
        let (starts, token) = match subject {
            Subject::Principal { principal } => (vec![(principal.clone(), Vec::new())], None),
            Subject::Token { claims, settings } => {
                let (starts, report) = self.token(claims, settings);
                (starts, Some(report))
            }
        };
        let mut nodes: Vec<(Principal, Vec<Hop>)> = Vec::new();
        let mut memberships: BTreeMap<Container, BTreeSet<Vec<Hop>>> = BTreeMap::new();
        let mut queue = starts;
        while let Some((node, hops)) = queue.pop() {
            for container in self.containers.get(&node).into_iter().flatten() {
                let next = match (container, &node) {
                    (Container::Tenant(_), _) => None,
                    // Camunda resolves groups, roles and roles of groups:
                    // a role belongs to nothing but tenants.
                    (_, Principal::Role(_)) => None,
                    (Container::Group(_), Principal::Group(_)) => None,
                    (Container::Group(g), _) => {
                        Some((Principal::Group(g.clone()), Hop::Group { id: g.clone() }))
                    }
                    (Container::Role(r), _) => {
                        Some((Principal::Role(r.clone()), Hop::Role { id: r.clone() }))
                    }
                };
                memberships
                    .entry((*container).clone())
                    .or_default()
                    .insert(hops.clone());
                if let Some((principal, hop)) = next {
                    let mut longer = hops.clone();
                    longer.push(hop);
                    queue.push((principal, longer));
                }
            }
            nodes.push((node, hops));
        }
        // A group from the groups claim is a membership too.
        for (node, hops) in &nodes {
            if let (Principal::Group(g), [Hop::GroupsClaim { .. }]) = (node, hops.as_slice()) {
                memberships
                    .entry(Container::Group(g.clone()))
                    .or_default()
                    .insert(Vec::new());
            }
        }
        let mut access: BTreeMap<
            (ResourceType, &ResourceSelector),
            BTreeMap<PermissionType, BTreeSet<Path>>,
        > = BTreeMap::new();
        for (node, hops) in &nodes {
            for (rt, resource, grant) in self.owned.get(node).into_iter().flatten() {
                for p in &grant.permissions {
                    access
                        .entry((*rt, *resource))
                        .or_default()
                        .entry(*p)
                        .or_default()
                        .insert(Path::new(hops.clone(), node.clone()));
                }
            }
        }
        Explanation {
            subject: subject.clone(),
            token,
            memberships: memberships
                .into_iter()
                .map(|(container, through)| Reached {
                    container,
                    through: through.into_iter().collect(),
                })
                .collect(),
            access: access
                .into_iter()
                .map(|((resource_type, resource), permissions)| ResourceAccess {
                    resource_type,
                    resource: resource.clone(),
                    permissions: permissions
                        .into_iter()
                        .map(|(permission, paths)| Granted {
                            permission,
                            paths: paths.into_iter().collect(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    /// Where a token starts: the principal it names, the mapping rules it
    /// matches, the groups its groups claim names.
    fn token(
        &self,
        claims: &Value,
        settings: &TokenSettings,
    ) -> (Vec<(Principal, Vec<Hop>)>, TokenReport) {
        let mut starts = Vec::new();
        let mut problems = Vec::new();
        let named = claims::principal(claims, settings);
        match &named {
            Some((claim, principal)) => starts.push((
                principal.clone(),
                vec![Hop::Identity {
                    claim: claim.clone(),
                    principal: principal.clone(),
                }],
            )),
            None => problems.push(match &settings.client_id_claim {
                Some(c) => format!(
                    "the token has neither the client-id claim {c} nor the username claim {}: Camunda refuses it (401)",
                    settings.username_claim
                ),
                None => format!(
                    "the token has no username claim {}: Camunda refuses it (401)",
                    settings.username_claim
                ),
            }),
        }
        let mut rules = Vec::new();
        for (id, rule) in &self.state.mapping_rules {
            let (matched, comparison) =
                claims::compare(claims, &rule.claim_name, &rule.claim_value);
            let rule_principal = Principal::MappingRule(id.clone());
            if matched {
                starts.push((
                    rule_principal.clone(),
                    vec![Hop::MappingRule {
                        id: id.clone(),
                        claim: rule.claim_name.clone(),
                        value: rule.claim_value.clone(),
                    }],
                ));
            }
            rules.push(RuleMatch {
                id: id.clone(),
                claim: rule.claim_name.clone(),
                value: rule.claim_value.clone(),
                matched,
                comparison,
                brings: self
                    .containers
                    .get(&rule_principal)
                    .into_iter()
                    .flatten()
                    .map(|c| (*c).clone())
                    .collect(),
            });
        }
        let groups = match claims::groups(claims, settings) {
            Ok(groups) => groups,
            Err(problem) => {
                problems.push(problem);
                Vec::new()
            }
        };
        if let Some(claim) = &settings.groups_claim {
            for g in &groups {
                starts.push((
                    Principal::Group(g.clone()),
                    vec![Hop::GroupsClaim {
                        claim: claim.clone(),
                        group: g.clone(),
                    }],
                ));
            }
        }
        let report = TokenReport {
            principal_claim: named.as_ref().map(|(c, _)| c.clone()),
            principal: named.map(|(_, p)| p),
            rules,
            groups,
            problems,
        };
        (starts, report)
    }
}
