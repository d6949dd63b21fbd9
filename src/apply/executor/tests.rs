//! The executor against a fake `AccessApi`: order, skips, the window,
//! stopping, and how unknown outcomes are settled.

use std::sync::Mutex;

use reqwest::Method;
use serde_json::Value;

use super::*;
use crate::model::state::{AccessState, Container, Group, Membership, Principal};
use crate::plan::{Change, Entity, Plan};

/// A scripted answer: success, or (status, outcome unknown).
type Answer = Result<(), (u16, bool)>;

/// A fake cluster: answers by path, records what it was sent.
#[derive(Default)]
struct Fake {
    sent: Mutex<Vec<String>>,
    answers: Mutex<HashMap<String, Vec<Answer>>>,
    /// What `POST /authorizations/search` answers (nothing by default).
    found: Mutex<Option<Value>>,
    in_flight: std::sync::atomic::AtomicUsize,
    most_in_flight: std::sync::atomic::AtomicUsize,
}

impl AccessApi for Fake {
    async fn send(
        &self,
        method: Method,
        path: &str,
        _body: Option<&Value>,
    ) -> Result<Option<Value>, ApiError> {
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.most_in_flight.fetch_max(now, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(5)).await;
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        let line = format!("{method} {path}");
        self.sent.lock().unwrap().push(line.clone());
        let answer = self.answers.lock().unwrap().get_mut(&line).and_then(|a| {
            if a.is_empty() {
                None
            } else {
                Some(a.remove(0))
            }
        });
        match answer {
            None | Some(Ok(())) if line == "POST /authorizations/search" => {
                Ok(self.found.lock().unwrap().clone())
            }
            None | Some(Ok(())) => Ok(None),
            Some(Err((_, true))) => Err(ApiError::Network {
                method: method.to_string(),
                path: path.into(),
                message: "connection closed".into(),
                sent: true,
            }),
            Some(Err((status, false))) => Err(ApiError::Http {
                method: method.to_string(),
                path: format!("/v2{path}"),
                status,
                title: "T".into(),
                detail: "D".into(),
            }),
        }
    }
}

/// A cluster holding one user: answers its GET, records the bodies of
/// the writes it is sent.
struct OneUser {
    user: Option<Value>,
    writes: Mutex<Vec<(String, Option<Value>)>>,
}

impl AccessApi for OneUser {
    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Option<Value>, ApiError> {
        if method == Method::GET {
            return match &self.user {
                Some(user) => Ok(Some(user.clone())),
                None => Err(ApiError::Http {
                    method: "GET".into(),
                    path: format!("/v2{path}"),
                    status: 403,
                    title: "FORBIDDEN".into(),
                    detail: "no".into(),
                }),
            };
        }
        self.writes
            .lock()
            .unwrap()
            .push((format!("{method} {path}"), body.cloned()));
        Ok(None)
    }
}

fn user_update() -> Write {
    Write {
        method: Method::PUT,
        path: "/users/bob".into(),
        body: Some(json!({"email": "bob@example.com"})),
        idempotence: Idempotence::Repeatable,
        live_fields: vec!["name"],
    }
}

#[tokio::test]
async fn a_user_update_carries_the_live_value_of_what_the_files_do_not_manage() {
    let api = OneUser {
        user: Some(json!({"username": "bob", "name": "Bob by hand", "email": "old@example.com"})),
        writes: Mutex::new(Vec::new()),
    };
    perform(&api, &user_update()).await.unwrap();
    assert_eq!(
        api.writes.lock().unwrap().as_slice(),
        [(
            "PUT /users/bob".to_owned(),
            Some(json!({"name": "Bob by hand", "email": "bob@example.com"}))
        )]
    );
    // 8.9's `null` for a name never set is sent as "".
    let api = OneUser {
        user: Some(json!({"username": "bob", "name": null, "email": null})),
        writes: Mutex::new(Vec::new()),
    };
    perform(&api, &user_update()).await.unwrap();
    assert_eq!(
        api.writes.lock().unwrap()[0].1,
        Some(json!({"name": "", "email": "bob@example.com"}))
    );
    // When the user cannot be read, nothing is sent (nothing is wiped).
    for user in [None, Some(json!({"username": "bob"}))] {
        let api = OneUser {
            user,
            writes: Mutex::new(Vec::new()),
        };
        let error = perform(&api, &user_update()).await.unwrap_err();
        assert!(
            error.message.contains("PUT /v2/users/bob was not sent"),
            "{error:?}"
        );
        assert!(api.writes.lock().unwrap().is_empty());
    }
}

fn group(id: &str) -> Change {
    Change::Create {
        entity: Entity::Group(
            id.into(),
            Group {
                name: id.into(),
                description: String::new(),
            },
        ),
    }
}

fn member(g: &str, c: &str) -> Change {
    Change::AddMember(Membership {
        container: Container::Group(g.into()),
        member: Principal::Client(c.into()),
    })
}

fn run(plan: &Plan, fake: Arc<Fake>, parallelism: usize) -> Vec<Outcome> {
    let order = Order::new(plan, &AccessState::default());
    let writes = plan
        .changes
        .iter()
        .map(crate::apply::request::write_for)
        .collect();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(execute(
        fake,
        &order,
        writes,
        parallelism,
        Arc::new(AtomicBool::new(false)),
        |_, _| {},
    ))
    .outcomes
}

#[test]
fn a_failure_skips_its_dependants_and_nothing_else() {
    let plan = Plan {
        changes: vec![group("a"), group("b"), member("a", "x"), member("b", "y")],
        unmanaged: Vec::new(),
        held_back: Vec::new(),
        moved: Vec::new(),
    };
    let fake = Arc::new(Fake::default());
    fake.answers
        .lock()
        .unwrap()
        .insert("POST /groups".into(), vec![Err((400, false))]);
    let outcomes = run(&plan, fake.clone(), 1);
    // The first group create fails; its member is skipped; the other goes on.
    assert!(
        matches!(outcomes[0], Outcome::Failed { .. }),
        "{outcomes:?}"
    );
    assert!(outcomes[1].is_done());
    assert_eq!(outcomes[2], Outcome::Skipped { waits_for: vec![0] });
    assert!(outcomes[3].is_done());
    let sent = fake.sent.lock().unwrap().clone();
    assert!(
        !sent.contains(&"PUT /groups/a/clients/x".to_owned()),
        "{sent:?}"
    );
}

#[test]
fn unknown_outcomes_are_settled_by_the_servers_answers() {
    let plan = Plan {
        changes: vec![group("a"), member("a", "x")],
        unmanaged: Vec::new(),
        held_back: Vec::new(),
        moved: Vec::new(),
    };
    let fake = Arc::new(Fake::default());
    {
        let mut answers = fake.answers.lock().unwrap();
        // Applied, then the connection dropped; sent again: 409.
        answers.insert(
            "POST /groups".into(),
            vec![Err((0, true)), Err((409, false))],
        );
        answers.insert(
            "PUT /groups/a/clients/x".into(),
            vec![Err((0, true)), Err((409, false))],
        );
    }
    let outcomes = run(&plan, fake.clone(), 4);
    assert!(outcomes.iter().all(Outcome::is_done), "{outcomes:?}");
    let sent = fake.sent.lock().unwrap().clone();
    // The create was settled with an update of the existing group.
    assert_eq!(
        sent,
        [
            "POST /groups",
            "POST /groups",
            "PUT /groups/a",
            "PUT /groups/a/clients/x",
            "PUT /groups/a/clients/x"
        ]
    );
}

/// A first-attempt 409 whose authorization cannot be found (this fake
/// answers every search with nothing) is a failure. The lookup that
/// finds it is tested against the simulator (`apply::` tests).
#[test]
fn a_first_attempt_conflict_on_an_authorization_not_found_is_a_failure() {
    use crate::model::catalogue::{PermissionType, ResourceType};
    use crate::model::state::{AuthorizationTuple, ResourceSelector};
    let plan = Plan {
        changes: vec![Change::CreateAuthorization {
            tuple: AuthorizationTuple {
                owner: Principal::Client("x".into()),
                resource_type: ResourceType::Message,
                resource: ResourceSelector::wildcard(),
            },
            permissions: [PermissionType::Create].into(),
        }],
        unmanaged: Vec::new(),
        held_back: Vec::new(),
        moved: Vec::new(),
    };
    let fake = Arc::new(Fake::default());
    fake.answers
        .lock()
        .unwrap()
        .insert("POST /authorizations".into(), vec![Err((409, false))]);
    let outcomes = run(&plan, fake.clone(), 1);
    assert!(
        matches!(outcomes[0], Outcome::Failed { .. }),
        "{outcomes:?}"
    );
    // After an unknown outcome, the 409 is checked against the
    // authorization found: the same permissions mean the first attempt
    // worked; others are replaced.
    for (found, note) in [
        ("CREATE", "existed already"),
        (
            "READ",
            "existed already with [READ]; its permissions were replaced",
        ),
    ] {
        let fake = Arc::new(Fake::default());
        fake.answers.lock().unwrap().insert(
            "POST /authorizations".into(),
            vec![Err((0, true)), Err((409, false))],
        );
        *fake.found.lock().unwrap() = Some(serde_json::json!({"items": [{
            "authorizationKey": "7", "ownerId": "x", "ownerType": "CLIENT",
            "resourceType": "MESSAGE", "resourceId": "*", "permissionTypes": [found]}]}));
        let outcomes = run(&plan, fake.clone(), 1);
        assert_eq!(
            outcomes[0],
            Outcome::Done {
                note: Some(note.to_owned())
            },
            "{found}"
        );
    }
}

#[test]
fn parallelism_is_a_ceiling() {
    let changes: Vec<Change> = (0..40).map(|i| group(&format!("g{i}"))).collect();
    let plan = Plan {
        changes,
        unmanaged: Vec::new(),
        held_back: Vec::new(),
        moved: Vec::new(),
    };
    let fake = Arc::new(Fake::default());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .unwrap();
    let order = Order::new(&plan, &AccessState::default());
    let writes = plan
        .changes
        .iter()
        .map(crate::apply::request::write_for)
        .collect();
    let outcomes = rt
        .block_on(execute(
            fake.clone(),
            &order,
            writes,
            3,
            Arc::new(AtomicBool::new(false)),
            |_, _| {},
        ))
        .outcomes;
    assert!(outcomes.iter().all(Outcome::is_done));
    let most = fake.most_in_flight.load(Ordering::SeqCst);
    assert!((1..=3).contains(&most), "{most} in flight");
}

#[test]
fn the_window_halves_under_pressure_and_recovers() {
    let mut w = Window::new(8, 0);
    w.observe(1);
    assert_eq!(w.current, 4);
    // More pressure within the same window's worth: no second halving.
    w.observe(2);
    assert_eq!(w.current, 4);
    for _ in 0..3 {
        w.observe(2);
    }
    w.observe(3);
    assert_eq!(w.current, 2);
    // Quiet completions grow it again, one at a time.
    for _ in 0..2 {
        w.observe(3);
    }
    assert_eq!(w.current, 3);
}
