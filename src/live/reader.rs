//! `Reader`: the whole live state of a cluster in few requests — every
//! entity search paged by cursor at the largest page size, then every member
//! list with bounded concurrency. Never one GET per entity.

use std::collections::BTreeSet;
use std::sync::Arc;

use reqwest::Method;
use serde::Deserialize;
use serde_json::Value;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::live::api::AccessApi;
use crate::live::client::segment;
use crate::live::error::ApiError;
use crate::live::wire::{
    AuthorizationItem, ClientMember, GroupItem, GroupMember, MappingRuleItem, MappingRuleMember,
    MemberKind, PageRequest, RoleItem, RoleMember, SearchPage, SearchRequest, TenantItem, Topology,
    UserItem, UserMember,
};
use crate::model::catalogue::{CamundaVersion, OwnerType, PermissionType, ResourceType};
use crate::model::desired::Kind;
use crate::model::state::{
    AccessState, AuthorizationTuple, Container, Group, MappingRule, Membership, Principal,
    ResourceSelector, Role, Tenant, User,
};

/// The largest page Camunda serves.
pub const PAGE_SIZE: usize = 10_000;

/// What was read from a cluster.
#[derive(Debug, Clone)]
pub struct Live {
    /// The cluster's Camunda version (from `/v2/topology`).
    pub version: CamundaVersion,
    /// The gateway version as reported.
    pub gateway_version: String,
    /// Entities, memberships and authorizations.
    pub state: AccessState,
    /// Kinds whose API is switched off in this cluster (403 "Access issue").
    pub disabled: BTreeSet<Kind>,
    /// What was left out of the state, described: authorizations this tool
    /// does not understand (e.g. a newer resource type), member lists of
    /// containers whose ID cannot be addressed.
    pub unknown: Vec<String>,
}

/// Reads live state with at most `concurrency` requests in flight.
#[derive(Debug)]
pub struct Reader<A> {
    client: Arc<A>,
    concurrency: usize,
}

/// The member searches a reader starts with in flight, before it widens.
pub const START_WINDOW: usize = 16;

/// How many member searches run at once: starts at [`START_WINDOW`] (or
/// the cap, if lower), doubles after each window's worth of quiet answers
/// until the first backpressure (slow start), then grows by one per
/// window; halves on backpressure (503 `RESOURCE_EXHAUSTED`, 429), at most
/// once per window — the executor's AIMD window, for reads.
#[derive(Debug)]
struct ReadWindow {
    permits: Arc<Semaphore>,
    state: std::sync::Mutex<WindowState>,
}

#[derive(Debug)]
struct WindowState {
    current: usize,
    cap: usize,
    quiet: usize,
    since_decrease: usize,
    slow_start: bool,
    pressure_seen: u64,
    /// Permits to drop as they come back, after a decrease.
    debt: usize,
}

impl ReadWindow {
    fn new(cap: usize, pressure: u64) -> ReadWindow {
        let start = START_WINDOW.min(cap).max(1);
        ReadWindow {
            permits: Arc::new(Semaphore::new(start)),
            state: std::sync::Mutex::new(WindowState {
                current: start,
                cap: cap.max(1),
                quiet: 0,
                since_decrease: usize::MAX,
                slow_start: true,
                pressure_seen: pressure,
                debt: 0,
            }),
        }
    }

    /// A finished search gives its permit back, after the window has heard
    /// whether the cluster pushed back (`pressure`, the client's count).
    fn finish(&self, permit: tokio::sync::OwnedSemaphorePermit, pressure: u64) {
        let mut s = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        s.since_decrease = s.since_decrease.saturating_add(1);
        if pressure > s.pressure_seen {
            s.pressure_seen = pressure;
            s.slow_start = false;
            s.quiet = 0;
            if s.since_decrease >= s.current {
                let next = (s.current / 2).max(1);
                let fewer = s.current - next;
                // Idle permits go now; those in flight as they come back.
                s.debt += fewer - self.permits.forget_permits(fewer);
                s.current = next;
                s.since_decrease = 0;
            }
        } else {
            s.quiet += 1;
            if s.quiet >= s.current && s.current < s.cap {
                let grow = if s.slow_start { s.current } else { 1 }.min(s.cap - s.current);
                s.current += grow;
                s.quiet = 0;
                // New permits pay back a debt first.
                let paid = grow.min(s.debt);
                s.debt -= paid;
                self.permits.add_permits(grow - paid);
            }
        }
        if s.debt > 0 {
            s.debt -= 1;
            permit.forget();
        }
    }

    #[cfg(test)]
    fn current(&self) -> usize {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .current
    }
}

fn decode(path: &str, message: impl Into<String>) -> ApiError {
    ApiError::Decode {
        method: "POST".into(),
        path: format!("/v2{path}"),
        message: message.into(),
    }
}

/// One item as a wire type; `None` when it does not have that shape.
fn item<T: for<'de> Deserialize<'de>>(item: &Value) -> Option<T> {
    T::deserialize(item).ok()
}

/// Every item of a search, following cursors.
async fn search_all<A: AccessApi>(client: &A, path: &str) -> Result<Vec<Value>, ApiError> {
    let mut items = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let request = SearchRequest {
            page: PageRequest {
                limit: PAGE_SIZE,
                after: after.clone(),
            },
        };
        let body = serde_json::to_value(&request).expect("a search request serialises");
        let answer = client
            .send(Method::POST, path, Some(&body))
            .await?
            .ok_or_else(|| decode(path, "empty search answer"))?;
        let SearchPage { items: batch, page } = SearchPage::of(answer);
        let count = batch.len();
        items.extend(batch);
        let more_total = page.has_more_total_items.unwrap_or(false);
        // A short page is the last; so is reaching the reported total.
        if count < PAGE_SIZE
            || (!more_total && page.total_items.is_some_and(|t| items.len() as u64 >= t))
        {
            return Ok(items);
        }
        match page.end_cursor {
            Some(cursor) if after.as_ref() == Some(&cursor) => {
                return Err(decode(path, "the server returned the same page twice"));
            }
            Some(cursor) => after = Some(cursor),
            None => return Ok(items),
        }
    }
}

fn is_disabled(error: &ApiError) -> bool {
    error.status() == Some(403) && error.title() == Some("Access issue")
}

/// The minor version of an `8.x…` gateway version, compared as a number
/// (so `8.10.0` is 10, never 1).
fn minor_of(gateway: &str) -> Option<u32> {
    gateway
        .strip_prefix("8.")
        .and_then(|rest| rest.split(['.', '-']).next())
        .and_then(|m| m.parse().ok())
}

fn version_of(gateway: &str) -> CamundaVersion {
    match minor_of(gateway) {
        Some(m) if m <= 8 => CamundaVersion::V8_8,
        Some(9) => CamundaVersion::V8_9,
        // 8.10 and anything newer: the newest catalogue this tool knows.
        _ => CamundaVersion::NEWEST,
    }
}

/// Whether a gateway version is newer than the newest Camunda version this
/// tool knows (it is then read and planned as that newest version).
pub fn newer_than_known(gateway: &str) -> bool {
    match minor_of(gateway) {
        Some(m) => m > 10,
        None => !gateway.starts_with("8."),
    }
}

impl<A: AccessApi> Reader<A> {
    /// A reader over `client` with at most `concurrency` member searches in
    /// flight (it starts lower and widens while the cluster keeps up).
    pub fn new(client: Arc<A>, concurrency: usize) -> Reader<A> {
        Reader {
            client,
            concurrency: concurrency.max(1),
        }
    }

    /// Reads the whole state.
    pub async fn read(&self) -> Result<Live, ApiError> {
        let topology = self
            .client
            .send(Method::GET, "/topology", None)
            .await?
            .ok_or_else(|| decode("/topology", "empty topology"))?;
        let gateway_version = Topology::deserialize(&topology)
            .map_err(|_| decode("/topology", "no gatewayVersion"))?
            .gateway_version;
        let version = version_of(&gateway_version);
        let mut live = Live {
            version,
            gateway_version,
            state: AccessState::default(),
            disabled: BTreeSet::new(),
            unknown: Vec::new(),
        };
        // Entity searches, concurrently.
        let kinds = [
            ("/tenants/search", Some(Kind::Tenants)),
            ("/groups/search", Some(Kind::Groups)),
            ("/roles/search", None),
            ("/mapping-rules/search", None),
            ("/users/search", Some(Kind::Users)),
            ("/authorizations/search", None),
        ];
        let mut searches = JoinSet::new();
        for (index, (path, _)) in kinds.iter().enumerate() {
            let client = self.client.clone();
            let path = *path;
            searches.spawn(async move { (index, search_all(client.as_ref(), path).await) });
        }
        let mut results: Vec<Option<Vec<Value>>> = vec![None; kinds.len()];
        while let Some(joined) = searches.join_next().await {
            let (index, result) = joined.expect("search tasks do not panic");
            match result {
                Ok(items) => results[index] = Some(items),
                Err(e) if is_disabled(&e) && kinds[index].1.is_some() => {
                    live.disabled.insert(kinds[index].1.expect("checked"));
                }
                Err(e) => return Err(e),
            }
        }
        let answers = <[Option<Vec<Value>>; 6]>::try_from(results).expect("six searches");
        add_entities(&mut live, answers);
        self.read_members(&mut live).await?;
        Ok(live)
    }

    /// One member search per container and member kind, bounded.
    async fn read_members(&self, live: &mut Live) -> Result<(), ApiError> {
        use MemberKind::{Clients, Groups, MappingRules, Users};
        let mut lists: Vec<(Container, &'static str, MemberKind)> = Vec::new();
        for id in live.state.groups.keys() {
            let c = Container::Group(id.clone());
            for kind in [Users, Clients, MappingRules] {
                lists.push((c.clone(), "groups", kind));
            }
        }
        for id in live.state.roles.keys() {
            let c = Container::Role(id.clone());
            for kind in [Users, Clients, Groups, MappingRules] {
                lists.push((c.clone(), "roles", kind));
            }
        }
        for id in live.state.tenants.keys() {
            let c = Container::Tenant(id.clone());
            for kind in MemberKind::ALL {
                lists.push((c.clone(), "tenants", kind));
            }
        }
        let window = Arc::new(ReadWindow::new(
            self.concurrency,
            self.client.backpressure(),
        ));
        // A `.` or `..` ID cannot be a path segment (URL parsers resolve it
        // to another route): its members cannot be read.
        let (lists, unreachable): (Vec<_>, Vec<_>) = lists
            .into_iter()
            .partition(|(c, _, _)| crate::model::ids::addressable(c.id()));
        for (container, _, kind) in unreachable {
            live.unknown.push(format!(
                "the {kind} of {container}: its ID cannot be addressed in a URL path"
            ));
        }
        // Items that could not be read are listed as they come in: sorted
        // afterwards, so the warnings do not depend on timing.
        let unread_from = live.unknown.len();
        // A task is spawned only once the window has room for it, so no
        // more searches than the window exist at a time (spawning them all
        // up front held tens of thousands of waiting tasks in memory), and
        // finished ones are taken in as they come.
        let mut tasks = JoinSet::new();
        for (container, collection, kind) in lists {
            let permit = window
                .permits
                .clone()
                .acquire_owned()
                .await
                .expect("never closed");
            while let Some(joined) = tasks.try_join_next() {
                take_members(live, joined, &mut tasks)?;
            }
            let client = self.client.clone();
            let window = window.clone();
            tasks.spawn(async move {
                let path = format!(
                    "/{collection}/{}/{}/search",
                    segment(container.id()),
                    kind.path()
                );
                let result = search_all(client.as_ref(), &path).await;
                window.finish(permit, client.backpressure());
                (container, kind, result)
            });
        }
        while let Some(joined) = tasks.join_next().await {
            take_members(live, joined, &mut tasks)?;
        }
        live.unknown[unread_from..].sort();
        Ok(())
    }
}

/// What one member search finished with.
type MemberSearch = (Container, MemberKind, Result<Vec<Value>, ApiError>);

/// Adds the members one search found; on an error, stops the others.
fn take_members(
    live: &mut Live,
    joined: Result<MemberSearch, tokio::task::JoinError>,
    tasks: &mut JoinSet<MemberSearch>,
) -> Result<(), ApiError> {
    let (container, kind, result) = joined.expect("member tasks do not panic");
    let items = match result {
        Ok(items) => items,
        // A container deleted while reading has no members: Camunda
        // answers 200 with no items; a 404 (older servers) counts the same.
        Err(e) if e.status() == Some(404) => return Ok(()),
        Err(e) => {
            tasks.abort_all();
            return Err(e);
        }
    };
    for item in items {
        match member_of(kind, &item) {
            Some(member) => {
                live.state.memberships.insert(Membership {
                    container: container.clone(),
                    member,
                });
            }
            None => live.unknown.push(format!(
                "an item of the {kind} of {container} this tool cannot read: {item}"
            )),
        }
    }
    Ok(())
}

/// The member in one item of a member search of `kind`; `None` when the
/// item lacks the ID that kind of member carries.
pub fn member_of(kind: MemberKind, value: &Value) -> Option<Principal> {
    Some(match kind {
        MemberKind::Users => Principal::User(item::<UserMember>(value)?.username.into()),
        MemberKind::Clients => Principal::Client(item::<ClientMember>(value)?.client_id.into()),
        MemberKind::Groups => Principal::Group(item::<GroupMember>(value)?.group_id.into()),
        MemberKind::Roles => Principal::Role(item::<RoleMember>(value)?.role_id.into()),
        MemberKind::MappingRules => Principal::MappingRule(
            item::<MappingRuleMember>(value)?
                .mapping_rule_id
                .as_str()
                .into(),
        ),
    })
}

/// Adds the items of the six entity searches (tenants, groups, roles,
/// mapping rules, users, authorizations; `None` for a switched-off API) to
/// `live`. Items it cannot read are skipped or listed in `live.unknown`;
/// nothing here panics on any JSON (fuzzed).
pub fn add_entities(live: &mut Live, answers: [Option<Vec<Value>>; 6]) {
    let [tenants, groups, roles, rules, users, authorizations] = answers;
    let s = &mut live.state;
    let unknown = &mut live.unknown;
    let mut unreadable = |what: &str, value: &Value| {
        unknown.push(format!("{what} this tool cannot read: {value}"));
    };
    for value in tenants.unwrap_or_default() {
        match item::<TenantItem>(&value) {
            Some(t) => {
                s.tenants.insert(
                    t.tenant_id.into(),
                    Tenant {
                        name: t.name.unwrap_or_default(),
                        description: t.description.unwrap_or_default(),
                    },
                );
            }
            None => unreadable("a tenant", &value),
        }
    }
    for value in groups.unwrap_or_default() {
        match item::<GroupItem>(&value) {
            Some(g) => {
                s.groups.insert(
                    g.group_id.into(),
                    Group {
                        name: g.name.unwrap_or_default(),
                        description: g.description.unwrap_or_default(),
                    },
                );
            }
            None => unreadable("a group", &value),
        }
    }
    for value in roles.unwrap_or_default() {
        match item::<RoleItem>(&value) {
            Some(r) => {
                s.roles.insert(
                    r.role_id.into(),
                    Role {
                        name: r.name.unwrap_or_default(),
                        description: r.description.unwrap_or_default(),
                    },
                );
            }
            None => unreadable("a role", &value),
        }
    }
    for value in rules.unwrap_or_default() {
        match item::<MappingRuleItem>(&value) {
            Some(r) => {
                s.mapping_rules.insert(
                    r.mapping_rule_id.into(),
                    MappingRule {
                        name: r.name.unwrap_or_default(),
                        claim_name: r.claim_name.unwrap_or_default(),
                        claim_value: r.claim_value.unwrap_or_default(),
                    },
                );
            }
            None => unreadable("a mapping rule", &value),
        }
    }
    for value in users.unwrap_or_default() {
        match item::<UserItem>(&value) {
            Some(u) => {
                s.users.insert(
                    u.username.into(),
                    User {
                        name: u.name.filter(|n| !n.is_empty()),
                        email: u.email.filter(|e| !e.is_empty()),
                        password: None,
                    },
                );
            }
            None => unreadable("a user", &value),
        }
    }
    for value in authorizations.unwrap_or_default() {
        match item::<AuthorizationItem>(&value).and_then(authorization) {
            Some((key, tuple, permissions)) => {
                let grant = s.authorizations.entry(tuple).or_default();
                // A key seen twice (a page boundary that moved while
                // paging) counts once.
                if !grant.keys.contains(&key) {
                    // What each key grants is kept only for tuples of
                    // several keys (one key grants the union).
                    if let [only] = grant.keys.as_slice() {
                        grant.by_key.insert(only.clone(), grant.permissions.clone());
                    }
                    if !grant.keys.is_empty() {
                        grant.by_key.insert(key.clone(), permissions.clone());
                    }
                    grant.keys.push(key);
                    grant.keys.sort();
                }
                grant.permissions.extend(permissions);
            }
            None => unknown.push(format!(
                "an authorization this tool does not understand: {value}"
            )),
        }
    }
}

/// An authorization in normal form; `None` for an owner type, resource
/// type or permission this tool does not know, or no resource at all.
fn authorization(
    item: AuthorizationItem,
) -> Option<(String, AuthorizationTuple, BTreeSet<PermissionType>)> {
    let owner_type = OwnerType::parse(&item.owner_type)?;
    let owner = Principal::new(owner_type, &item.owner_id);
    let resource_type = ResourceType::parse(&item.resource_type)?;
    let resource = match (
        item.resource_property_name.filter(|p| !p.is_empty()),
        item.resource_id,
    ) {
        (Some(property), _) => ResourceSelector::Property(property),
        (None, Some(id)) => ResourceSelector::Id(id),
        (None, None) => return None,
    };
    let permissions = item
        .permission_types
        .iter()
        .map(|p| PermissionType::parse(p))
        .collect::<Option<BTreeSet<_>>>()?;
    Some((
        item.authorization_key,
        AuthorizationTuple {
            owner,
            resource_type,
            resource,
        },
        permissions,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Takes a permit and gives it back with `pressure`.
    async fn one(window: &ReadWindow, pressure: u64) {
        let permit = window.permits.clone().acquire_owned().await.unwrap();
        window.finish(permit, pressure);
    }

    #[tokio::test]
    async fn the_read_window_widens_while_quiet_and_halves_under_pressure() {
        let window = ReadWindow::new(64, 0);
        assert_eq!(window.current(), START_WINDOW);
        // Slow start: doubles per window of quiet answers, up to the cap.
        for _ in 0..16 {
            one(&window, 0).await;
        }
        assert_eq!(window.current(), 32);
        for _ in 0..32 {
            one(&window, 0).await;
        }
        assert_eq!(window.current(), 64);
        for _ in 0..200 {
            one(&window, 0).await;
        }
        assert_eq!(window.current(), 64, "never above the cap");
        assert_eq!(window.permits.available_permits(), 64);
        // Backpressure halves it, once per window; permits follow.
        one(&window, 1).await;
        assert_eq!(window.current(), 32);
        one(&window, 2).await;
        assert_eq!(window.current(), 32, "at most once per window");
        assert_eq!(window.permits.available_permits(), 32);
        // Afterwards it grows by one per window, not by doubling.
        for _ in 0..32 {
            one(&window, 2).await;
        }
        assert_eq!(window.current(), 33);
        // A low cap is also the start.
        assert_eq!(ReadWindow::new(4, 0).current(), 4);
    }

    #[test]
    fn versions_from_the_gateway() {
        assert_eq!(version_of("8.8.3"), CamundaVersion::V8_8);
        assert_eq!(version_of("8.9.0-alpha1"), CamundaVersion::V8_9);
        assert_eq!(version_of("8.9.7"), CamundaVersion::V8_9);
        assert_eq!(version_of("8.10.0"), CamundaVersion::V8_10);
        assert_eq!(version_of("8.10.2-rc1"), CamundaVersion::V8_10);
        assert_eq!(version_of("8.10"), CamundaVersion::V8_10);
        assert_eq!(version_of("8.1.5"), CamundaVersion::V8_8);
        assert_eq!(version_of("8.11.0"), CamundaVersion::V8_10);
        assert!(!newer_than_known("8.10.3"));
        assert!(!newer_than_known("8.9.0"));
        assert!(newer_than_known("8.11.0"));
        assert!(newer_than_known("9.0.0"));
        assert!(!newer_than_known("8.9.2"));
        assert!(!newer_than_known("8.8.0-alpha1"));
    }

    #[test]
    fn authorizations_in_normal_form() {
        let read = |value: Value| item::<AuthorizationItem>(&value).and_then(authorization);
        let (key, tuple, perms) = read(json!({"authorizationKey": "7", "ownerId": "ci", "ownerType": "CLIENT", "resourceType": "MESSAGE", "resourceId": "*", "resourcePropertyName": null, "permissionTypes": ["READ", "CREATE"]})).unwrap();
        assert_eq!(key, "7");
        assert_eq!(tuple.to_string(), "client:ci on MESSAGE:*");
        assert_eq!(perms.len(), 2);
        let (_, tuple, _) = read(json!({"authorizationKey": "9", "ownerId": "ci", "ownerType": "CLIENT", "resourceType": "PROCESS_DEFINITION", "resourceId": "", "resourcePropertyName": "assignee", "permissionTypes": ["READ"]})).unwrap();
        assert_eq!(
            tuple.resource,
            ResourceSelector::Property("assignee".into())
        );
        let unknown = json!({"authorizationKey": "8", "ownerId": "ci", "ownerType": "CLIENT", "resourceType": "SOMETHING_NEW", "resourceId": "*", "permissionTypes": ["READ"]});
        assert!(read(unknown).is_none());
        let no_resource = json!({"authorizationKey": "8", "ownerId": "ci", "ownerType": "CLIENT", "resourceType": "MESSAGE", "permissionTypes": ["READ"]});
        assert!(read(no_resource).is_none());
        let new_permission = json!({"authorizationKey": "8", "ownerId": "ci", "ownerType": "CLIENT", "resourceType": "MESSAGE", "resourceId": "*", "permissionTypes": ["READ", "TELEPORT"]});
        assert!(read(new_permission).is_none());
    }

    #[test]
    fn members_by_kind_and_nothing_else() {
        let item = json!({"username": "ann", "clientId": "ci", "groupId": "g", "roleId": "r", "mappingRuleId": "m"});
        assert_eq!(
            member_of(MemberKind::Users, &item),
            Some(Principal::User("ann".into()))
        );
        assert_eq!(
            member_of(MemberKind::Clients, &item),
            Some(Principal::Client("ci".into()))
        );
        assert_eq!(
            member_of(MemberKind::Groups, &item),
            Some(Principal::Group("g".into()))
        );
        assert_eq!(
            member_of(MemberKind::Roles, &item),
            Some(Principal::Role("r".into()))
        );
        assert_eq!(
            member_of(MemberKind::MappingRules, &item),
            Some(Principal::MappingRule("m".into()))
        );
        // A client item is not a mapping rule.
        assert_eq!(
            member_of(MemberKind::MappingRules, &json!({"clientId": "ci"})),
            None
        );
        assert_eq!(member_of(MemberKind::Users, &json!({"username": 7})), None);
    }

    fn empty_live() -> Live {
        Live {
            version: CamundaVersion::V8_9,
            gateway_version: "8.9.0".into(),
            state: AccessState::default(),
            disabled: BTreeSet::new(),
            unknown: Vec::new(),
        }
    }

    #[test]
    fn entity_items_are_read_one_by_one() {
        let mut live = empty_live();
        add_entities(
            &mut live,
            [
                Some(vec![
                    json!({"tenantId": "acme", "name": "Acme", "key": 1}),
                    json!({"name": "no ID"}),
                ]),
                Some(vec![json!({"groupId": "eng", "name": null})]),
                Some(vec![
                    json!({"roleId": "admin", "description": "all"}),
                    json!(42),
                ]),
                Some(vec![
                    json!({"mappingRuleId": "m", "claimName": "groups", "claimValue": "eng"}),
                ]),
                Some(vec![
                    json!({"username": "ann", "name": "", "email": "ann@example.com"}),
                ]),
                None,
            ],
        );
        let s = &live.state;
        assert_eq!(s.tenants[&"acme".into()].name, "Acme");
        assert_eq!(s.groups[&"eng".into()].name, "");
        assert_eq!(s.roles[&"admin".into()].description, "all");
        assert_eq!(s.mapping_rules[&"m".into()].claim_value, "eng");
        let ann = &s.users[&"ann".into()];
        assert_eq!(
            (ann.name.as_deref(), ann.email.as_deref()),
            (None, Some("ann@example.com"))
        );
        assert_eq!(
            live.unknown,
            vec![
                r#"a tenant this tool cannot read: {"name":"no ID"}"#.to_owned(),
                "a role this tool cannot read: 42".to_owned(),
            ]
        );
    }
}
