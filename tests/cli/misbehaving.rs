//! A server that misbehaves: truncated JSON, a wrong content type, a huge
//! body, a slow drip, pages that shift while paging, capped totals. Each
//! gives a clear error or a correct result, within the timeout, with
//! bounded memory.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use camunda_access::live::client::{MAX_BODY, Options};
use camunda_access::live::{Auth, Client, Reader};
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::{Bytes, Frame};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};

/// How the test server answers `POST /v2/authorizations/search`.
#[derive(Clone, Copy, Debug)]
enum Mode {
    Truncated,
    Html,
    Huge,
    SlowDrip,
    /// 25,000 items; the second page starts 10 items early (a deletion
    /// before the cursor shifted it), totals capped at 10,000.
    Shifting,
}

type Body = http_body_util::combinators::BoxBody<Bytes, Infallible>;

fn full(text: impl Into<Bytes>, content_type: &str) -> hyper::Response<Body> {
    hyper::Response::builder()
        .header("content-type", content_type)
        .body(Full::new(text.into()).boxed())
        .unwrap()
}

fn empty_page() -> String {
    json!({"items": [], "page": {"totalItems": 0}}).to_string()
}

fn authorization(i: usize) -> Value {
    json!({"authorizationKey": format!("{:08}", i), "ownerId": format!("client-{i}"), "ownerType": "CLIENT",
           "resourceType": "MESSAGE", "resourceId": "*", "permissionTypes": ["READ"]})
}

async fn answer(
    mode: Mode,
    path: String,
    body: Value,
    pages: Arc<AtomicUsize>,
) -> hyper::Response<Body> {
    if path == "/v2/topology" {
        return full(
            json!({"gatewayVersion": "8.8.0"}).to_string(),
            "application/json",
        );
    }
    if path != "/v2/authorizations/search" {
        return full(empty_page(), "application/json");
    }
    match mode {
        Mode::Truncated => full(
            r#"{"items": [{"authorizationKey": "1", "ownerId""#,
            "application/json",
        ),
        Mode::Html => full("<html><body>Please log in</body></html>", "text/html"),
        Mode::Huge => {
            // 50 MB of a JSON string, streamed.
            let chunk = Bytes::from(vec![b'a'; 1024 * 1024]);
            let mut frames: Vec<Result<Frame<Bytes>, Infallible>> = vec![Ok(Frame::data(
                Bytes::from_static(b"{\"items\": [], \"padding\": \""),
            ))];
            for _ in 0..50 {
                frames.push(Ok(Frame::data(chunk.clone())));
            }
            frames.push(Ok(Frame::data(Bytes::from_static(b"\"}"))));
            let stream = futures_stream(frames);
            hyper::Response::builder()
                .header("content-type", "application/json")
                .body(StreamBody::new(stream).boxed())
                .unwrap()
        }
        Mode::SlowDrip => {
            pages.fetch_add(1, Ordering::SeqCst);
            let (tx, rx) = tokio::sync::mpsc::channel::<Result<Frame<Bytes>, Infallible>>(1);
            tokio::spawn(async move {
                for byte in br#"{"items": [], "page": {"totalItems": 0}}"# {
                    if tx
                        .send(Ok(Frame::data(Bytes::copy_from_slice(&[*byte]))))
                        .await
                        .is_err()
                    {
                        return;
                    }
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
            });
            hyper::Response::builder()
                .header("content-type", "application/json")
                .body(StreamBody::new(tokio_stream(rx)).boxed())
                .unwrap()
        }
        Mode::Shifting => {
            pages.fetch_add(1, Ordering::SeqCst);
            let after = body["page"]["after"]
                .as_str()
                .map(|c| c.parse::<usize>().unwrap());
            let start = match after {
                None => 0,
                // Shifted: starts 10 items before the cursor.
                Some(last) => last + 1 - 10,
            };
            let end = (start + 10_000).min(25_000);
            let items: Vec<Value> = (start..end).map(authorization).collect();
            full(
                json!({"items": items, "page": {"totalItems": 10_000, "hasMoreTotalItems": true,
                       "endCursor": format!("{}", end - 1)}})
                .to_string(),
                "application/json",
            )
        }
    }
}

/// A stream over prepared frames.
fn futures_stream(
    frames: Vec<Result<Frame<Bytes>, Infallible>>,
) -> impl futures_core_stream::Stream<Item = Result<Frame<Bytes>, Infallible>> {
    futures_core_stream::iter(frames)
}

fn tokio_stream(
    rx: tokio::sync::mpsc::Receiver<Result<Frame<Bytes>, Infallible>>,
) -> impl futures_core_stream::Stream<Item = Result<Frame<Bytes>, Infallible>> {
    futures_core_stream::receiver(rx)
}

/// Minimal streams without another dependency.
mod futures_core_stream {
    use std::pin::Pin;
    use std::task::{Context, Poll};

    /// The `Stream` trait `StreamBody` wants.
    pub(super) use futures_core::Stream;

    pub(super) struct Iter<T>(std::vec::IntoIter<T>);

    impl<T: Unpin> Stream for Iter<T> {
        type Item = T;
        fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<T>> {
            Poll::Ready(self.0.next())
        }
    }

    pub(super) fn iter<T: Unpin>(items: Vec<T>) -> Iter<T> {
        Iter(items.into_iter())
    }

    pub(super) struct Receiver<T>(tokio::sync::mpsc::Receiver<T>);

    impl<T> Stream for Receiver<T> {
        type Item = T;
        fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
            self.0.poll_recv(cx)
        }
    }

    pub(super) fn receiver<T>(rx: tokio::sync::mpsc::Receiver<T>) -> Receiver<T> {
        Receiver(rx)
    }
}

struct Server {
    url: String,
    pages: Arc<AtomicUsize>,
    runtime: tokio::runtime::Runtime,
}

fn serve(mode: Mode) -> Server {
    let (runtime, listener, url) = crate::fixtures::loopback(2);
    let pages = Arc::new(AtomicUsize::new(0));
    let counter = pages.clone();
    runtime.spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let counter = counter.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(
                    move |request: hyper::Request<hyper::body::Incoming>| {
                        let counter = counter.clone();
                        async move {
                            let path = request.uri().path().to_owned();
                            let bytes = request
                                .into_body()
                                .collect()
                                .await
                                .map(|b| b.to_bytes())
                                .unwrap_or_default();
                            let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
                            Ok::<_, Infallible>(answer(mode, path, body, counter).await)
                        }
                    },
                );
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    Server {
        url,
        pages,
        runtime,
    }
}

fn read(server: &Server, timeout: Duration) -> Result<camunda_access::live::Live, String> {
    let options = Options {
        timeout,
        ca_pem: None,
    };
    let client = Arc::new(Client::with_options(&server.url, Auth::None, &options).unwrap());
    server
        .runtime
        .block_on(Reader::new(client, 4).read())
        .map_err(|e| e.to_string())
}

#[test]
fn broken_answers_are_clear_errors_that_name_the_request() {
    let server = serve(Mode::Truncated);
    let e = read(&server, Duration::from_secs(10)).unwrap_err();
    assert!(
        e.starts_with("POST /v2/authorizations/search: unexpected answer: not JSON"),
        "{e}"
    );

    let server = serve(Mode::Html);
    let e = read(&server, Duration::from_secs(10)).unwrap_err();
    assert!(
        e.contains("POST /v2/authorizations/search: unexpected answer: not JSON but text/html"),
        "{e}"
    );
}

#[test]
fn a_huge_answer_is_refused_without_reading_it_all() {
    let server = serve(Mode::Huge);
    let e = read(&server, Duration::from_secs(30)).unwrap_err();
    assert!(
        e.contains(&format!(
            "the answer is larger than {} MiB",
            MAX_BODY / 1024 / 1024
        )),
        "{e}"
    );
}

#[test]
fn a_slow_drip_ends_at_the_timeout_without_retries() {
    let server = serve(Mode::SlowDrip);
    let e = read(&server, Duration::from_secs(2)).unwrap_err();
    assert!(e.contains("POST /v2/authorizations/search failed"), "{e}");
    assert!(e.contains("timed out") || e.contains("timeout"), "{e}");
    // One attempt: a server too slow for the timeout is not asked again.
    assert_eq!(server.pages.load(Ordering::SeqCst), 1);
}

#[test]
fn shifting_pages_and_capped_totals_miss_nothing_and_count_nothing_twice() {
    let server = serve(Mode::Shifting);
    let live = read(&server, Duration::from_secs(30)).unwrap();
    // Every one of the 25,000 authorizations, each key once, despite a
    // total capped at 10,000 and a second page that overlapped the first.
    let keys: Vec<&String> = live
        .state
        .authorizations
        .values()
        .flat_map(|g| g.keys.iter())
        .collect();
    assert_eq!(keys.len(), 25_000);
    let unique: std::collections::BTreeSet<&String> = keys.iter().copied().collect();
    assert_eq!(unique.len(), 25_000);
    assert_eq!(server.pages.load(Ordering::SeqCst), 3);
}
