//! `Order`: which change must happen before which, as a graph (petgraph).
//!
//! Edges, each with its reason:
//! - a container is created before members are assigned to it, and a
//!   member (group, role, mapping rule, user) before it is assigned;
//! - an owner is created before its authorizations, and an entity before
//!   authorizations that name it as their resource;
//! - a mapping rule gives up a claim pair before another rule takes it (the
//!   server refuses two rules with one pair);
//! - memberships and authorizations of an entity are removed before the
//!   entity is deleted (explicitly, not relying on the server's cascade,
//!   which leaves a deleted group's memberships in roles and tenants behind);
//! - make before break: every grant happens before any revoke, through one
//!   barrier node, except revokes that a grant itself waits for (a rule
//!   deleted to free the claim pair that a new rule takes).
//!
//! The graph is deterministic: nodes in plan order, edges in a fixed order,
//! and [`Order::sequence`] breaks ties by plan position.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap};

use petgraph::Direction;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use crate::model::catalogue::ResourceType;
use crate::model::entity::{Entity, EntityKind, EntityRef};
use crate::model::state::{AccessState, Principal, ResourceSelector};
use crate::plan::change::{Change, Plan};

/// A node: one change of the plan (by position), or the make-before-break
/// barrier between grants and revokes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Step {
    /// `plan.changes[i]`.
    Change(usize),
    /// All grants done; revokes may start.
    Barrier,
}

/// Why one step waits for another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reason {
    /// The container must exist before members are assigned.
    ContainerFirst,
    /// The member must exist before it is assigned.
    MemberFirst,
    /// The owner must exist before its authorizations.
    OwnerFirst,
    /// The resource an authorization names must exist first.
    ResourceFirst,
    /// A claim pair is released before another mapping rule takes it.
    ClaimReleased,
    /// What points at an entity goes before the entity.
    DependantsFirst,
    /// Grants before revokes.
    MakeBeforeBreak,
}

impl Reason {
    /// A short label for graph output.
    pub fn label(self) -> &'static str {
        match self {
            Reason::ContainerFirst => "container first",
            Reason::MemberFirst => "member first",
            Reason::OwnerFirst => "owner first",
            Reason::ResourceFirst => "resource first",
            Reason::ClaimReleased => "claim released",
            Reason::DependantsFirst => "dependants first",
            Reason::MakeBeforeBreak => "make before break",
        }
    }
}

/// The dependency graph of a plan.
#[derive(Debug, Clone)]
pub struct Order {
    graph: DiGraph<Step, Reason>,
    nodes: Vec<NodeIndex>,
    barrier: Option<NodeIndex>,
    /// Changes no order can apply in one run, described.
    pub conflicts: Vec<String>,
}

/// A mapping rule's (claim name, claim value).
type ClaimPair = (String, String);

fn principal_entity(p: &Principal) -> Option<EntityRef> {
    Some(match p {
        Principal::User(u) => EntityRef::User(u.clone()),
        Principal::Group(g) => EntityRef::Group(g.clone()),
        Principal::Role(r) => EntityRef::Role(r.clone()),
        Principal::MappingRule(m) => EntityRef::MappingRule(m.clone()),
        Principal::Client(_) => return None,
    })
}

fn resource_entity(resource_type: ResourceType, resource: &ResourceSelector) -> Option<EntityRef> {
    let ResourceSelector::Id(id) = resource else {
        return None;
    };
    if id == "*" {
        return None;
    }
    EntityKind::of_resource_type(resource_type).map(|kind| kind.with_id(id.as_str()))
}

/// Whether a change gives access (or is neutral) rather than taking it away.
pub fn is_grant(change: &Change) -> bool {
    match change {
        Change::Create { .. }
        | Change::Update { .. }
        | Change::AddMember(_)
        | Change::CreateAuthorization { .. } => true,
        Change::UpdateAuthorization { before, after, .. } => after.is_superset(before),
        Change::Delete { .. } | Change::RemoveMember(_) | Change::DeleteAuthorization { .. } => {
            false
        }
    }
}

/// Claim pairs a mapping-rule change gives up and takes.
fn claims(change: &Change, live: &AccessState) -> (Option<ClaimPair>, Option<ClaimPair>) {
    let pair = |claim: &str, value: &str| (claim.to_owned(), value.to_owned());
    match change {
        Change::Create {
            entity: Entity::MappingRule(_, rule),
        } => (None, Some(pair(&rule.claim_name, &rule.claim_value))),
        Change::Update {
            entity: Entity::MappingRule(id, rule),
            ..
        } => {
            let Some(live) = live.mapping_rules.get(id) else {
                return (None, None);
            };
            let before = pair(&live.claim_name, &live.claim_value);
            let after = pair(&rule.claim_name, &rule.claim_value);
            if after == before {
                (None, None)
            } else {
                (Some(before), Some(after))
            }
        }
        Change::Delete {
            entity: EntityRef::MappingRule(id),
            ..
        } => (
            live.mapping_rules
                .get(id)
                .map(|r| pair(&r.claim_name, &r.claim_value)),
            None,
        ),
        _ => (None, None),
    }
}

impl Order {
    /// The order of `plan`, computed against the live state it was planned from.
    pub fn new(plan: &Plan, live: &AccessState) -> Order {
        let mut graph = DiGraph::new();
        let nodes: Vec<NodeIndex> = (0..plan.changes.len())
            .map(|i| graph.add_node(Step::Change(i)))
            .collect();
        let mut created: HashMap<EntityRef, usize> = HashMap::new();
        let mut deleted: HashMap<EntityRef, usize> = HashMap::new();
        let mut released: HashMap<(String, String), usize> = HashMap::new();
        for (i, change) in plan.changes.iter().enumerate() {
            match change {
                Change::Create { entity } => {
                    created.insert(entity.reference(), i);
                }
                Change::Delete { entity, .. } => {
                    deleted.insert(entity.clone(), i);
                }
                _ => {}
            }
            if let (Some(pair), _) = claims(change, live) {
                released.insert(pair, i);
            }
        }
        let mut edges: BTreeSet<(usize, usize, Reason)> = BTreeSet::new();
        for (i, change) in plan.changes.iter().enumerate() {
            let mut before = |entity: Option<EntityRef>, reason: Reason| {
                if let Some(&j) = entity.and_then(|e| created.get(&e)) {
                    edges.insert((j, i, reason));
                }
            };
            match change {
                Change::AddMember(m) => {
                    before(
                        Some(EntityRef::of_container(&m.container)),
                        Reason::ContainerFirst,
                    );
                    before(principal_entity(&m.member), Reason::MemberFirst);
                }
                Change::CreateAuthorization { tuple, .. }
                | Change::UpdateAuthorization { tuple, .. } => {
                    before(principal_entity(&tuple.owner), Reason::OwnerFirst);
                    before(
                        resource_entity(tuple.resource_type, &tuple.resource),
                        Reason::ResourceFirst,
                    );
                }
                _ => {}
            }
            let mut after = |entity: Option<EntityRef>| {
                if let Some(&j) = entity.and_then(|e| deleted.get(&e)) {
                    edges.insert((i, j, Reason::DependantsFirst));
                }
            };
            match change {
                Change::RemoveMember(m) => {
                    after(Some(EntityRef::of_container(&m.container)));
                    after(principal_entity(&m.member));
                }
                Change::DeleteAuthorization { tuple, .. } => {
                    after(principal_entity(&tuple.owner));
                }
                _ => {}
            }
            if let (_, Some(pair)) = claims(change, live)
                && let Some(&j) = released.get(&pair)
                && j != i
            {
                edges.insert((j, i, Reason::ClaimReleased));
            }
        }
        for &(from, to, reason) in &edges {
            graph.add_edge(nodes[from], nodes[to], reason);
        }
        // Rules swapping claim pairs wait for each other: no order works in
        // one step. Drop those edges and say so; the server will refuse
        // one of the updates with 409 until the swap is done in two plans.
        let mut conflicts = Vec::new();
        for component in petgraph::algo::tarjan_scc(&graph) {
            if component.len() < 2 {
                continue;
            }
            let inside: BTreeSet<NodeIndex> = component.iter().copied().collect();
            let cyclic: Vec<_> = graph
                .edge_references()
                .filter(|e| inside.contains(&e.source()) && inside.contains(&e.target()))
                .map(|e| e.id())
                .collect();
            graph.retain_edges(|_, e| !cyclic.contains(&e));
            let mut names: Vec<String> = component
                .iter()
                .filter_map(|n| match graph[*n] {
                    Step::Change(i) => Some(plan.changes[i].to_string()),
                    Step::Barrier => None,
                })
                .collect();
            names.sort();
            conflicts.push(format!(
                "these mapping rules swap claim pairs, which the server refuses in one step; move one rule to a temporary claim first: {}",
                names.join("; ")
            ));
        }
        // Make before break, except for revokes some grant waits for.
        let grants: Vec<usize> = (0..plan.changes.len())
            .filter(|&i| is_grant(&plan.changes[i]))
            .collect();
        let revokes: Vec<usize> = (0..plan.changes.len())
            .filter(|&i| !is_grant(&plan.changes[i]))
            .collect();
        let mut barrier = None;
        if !grants.is_empty() && !revokes.is_empty() {
            let mut needed_by_grants = BTreeSet::new();
            let mut stack: Vec<NodeIndex> = grants.iter().map(|&i| nodes[i]).collect();
            while let Some(node) = stack.pop() {
                for pred in graph.neighbors_directed(node, Direction::Incoming) {
                    if let Step::Change(j) = graph[pred]
                        && needed_by_grants.insert(j)
                    {
                        stack.push(pred);
                    }
                }
            }
            let b = graph.add_node(Step::Barrier);
            for &i in &grants {
                graph.add_edge(nodes[i], b, Reason::MakeBeforeBreak);
            }
            for &i in &revokes {
                if !needed_by_grants.contains(&i) {
                    graph.add_edge(b, nodes[i], Reason::MakeBeforeBreak);
                }
            }
            barrier = Some(b);
        }
        Order {
            graph,
            nodes,
            barrier,
            conflicts,
        }
    }

    /// Every step in an order that respects every edge; ties go to the
    /// earlier plan position, so the result is deterministic.
    pub fn sequence(&self) -> Vec<Step> {
        let mut waiting: HashMap<NodeIndex, usize> = self
            .graph
            .node_indices()
            .map(|n| {
                (
                    n,
                    self.graph
                        .neighbors_directed(n, Direction::Incoming)
                        .count(),
                )
            })
            .collect();
        let mut ready: BinaryHeap<Reverse<(Step, NodeIndex)>> = waiting
            .iter()
            .filter(|(_, count)| **count == 0)
            .map(|(&n, _)| Reverse((self.graph[n], n)))
            .collect();
        let mut out = Vec::with_capacity(self.graph.node_count());
        while let Some(Reverse((step, node))) = ready.pop() {
            out.push(step);
            for next in self.graph.neighbors_directed(node, Direction::Outgoing) {
                let count = waiting.get_mut(&next).expect("every node counted");
                *count -= 1;
                if *count == 0 {
                    ready.push(Reverse((self.graph[next], next)));
                }
            }
        }
        debug_assert_eq!(out.len(), self.graph.node_count(), "the order has a cycle");
        out
    }

    /// The steps `step` waits for.
    pub fn prerequisites(&self, step: Step) -> Vec<Step> {
        let Some(node) = self.node(step) else {
            return Vec::new();
        };
        let mut out: Vec<Step> = self
            .graph
            .neighbors_directed(node, Direction::Incoming)
            .map(|n| self.graph[n])
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// The steps waiting for `step`.
    pub fn dependants(&self, step: Step) -> Vec<Step> {
        let Some(node) = self.node(step) else {
            return Vec::new();
        };
        let mut out: Vec<Step> = self
            .graph
            .neighbors_directed(node, Direction::Outgoing)
            .map(|n| self.graph[n])
            .collect();
        out.sort();
        out.dedup();
        out
    }

    fn node(&self, step: Step) -> Option<NodeIndex> {
        match step {
            Step::Change(i) => self.nodes.get(i).copied(),
            Step::Barrier => self.barrier,
        }
    }

    /// Every edge (from, to, why), sorted.
    pub fn edges(&self) -> Vec<(Step, Step, Reason)> {
        let mut out: Vec<(Step, Step, Reason)> = self
            .graph
            .edge_references()
            .map(|e| (self.graph[e.source()], self.graph[e.target()], *e.weight()))
            .collect();
        out.sort();
        out
    }

    /// Every step, in order of plan position (the barrier last).
    pub fn steps(&self) -> Vec<Step> {
        let mut steps: Vec<Step> = self.graph.node_weights().copied().collect();
        steps.sort();
        steps
    }

    /// Edges by reason, for summaries and tests.
    pub fn counts(&self) -> BTreeMap<Reason, usize> {
        let mut counts = BTreeMap::new();
        for e in self.graph.edge_references() {
            *counts.entry(*e.weight()).or_insert(0) += 1;
        }
        counts
    }
}
