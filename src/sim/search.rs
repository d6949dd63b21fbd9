//! Search requests: `{filter, sort, page}` parsing, filtering, sorting and
//! offset or cursor pagination, as Camunda's search endpoints answer them.

use std::cmp::Ordering;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value, json};

use crate::model::catalogue::CamundaVersion;
use crate::sim::engine::Rejection;
use crate::sim::request::{bad_request, invalid_argument};
use crate::timestamp::Timestamp;

/// `totalItems` is capped here, as Elasticsearch caps it.
pub(crate) const TOTAL_ITEMS_CAP: usize = 10_000;
/// The largest page.
pub(crate) const MAX_LIMIT: usize = 10_000;
/// The page size when none is given.
pub(crate) const DEFAULT_LIMIT: usize = 100;

/// One searchable item: its JSON and its engine key (for `key` sorting and
/// as the final tie-breaker).
#[derive(Debug, Clone)]
pub(crate) struct Item {
    /// The item as the response shows it.
    pub json: Value,
    /// Engine key.
    pub key: i64,
}

/// How a filter field matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FilterKind {
    /// A plain string, or an advanced string filter (`$eq`, `$like`, …).
    String,
    /// An enum value (exact).
    Exact,
    /// An array of values, any of which matches (`resourceIds`).
    AnyOf,
    /// An RFC 3339 date-time, or an advanced date-time filter (`$gte`,
    /// `$lt`, …), compared as instants.
    DateTime,
}

/// A search endpoint's contract.
#[derive(Debug, Clone)]
pub(crate) struct Spec {
    /// Filter fields: (request name, item field, kind). Empty: no filter allowed.
    pub filters: &'static [(&'static str, &'static str, FilterKind)],
    /// Sort fields (item field names; `key` sorts by engine key).
    pub sort_fields: &'static [&'static str],
    /// Item field for the default order (`None`: by key).
    pub default_sort: Option<&'static str>,
}

#[derive(Debug)]
struct SortField {
    field: String,
    descending: bool,
}

enum Page {
    Offset { from: usize, limit: usize },
    After { cursor: Vec<Value>, limit: usize },
    Before { cursor: Vec<Value>, limit: usize },
}

fn object<'a>(value: &'a Value, path: &str) -> Result<&'a Map<String, Value>, Rejection> {
    value
        .as_object()
        .ok_or_else(|| bad_request(format!("Request property [{path}] cannot be parsed")))
}

fn check_keys(map: &Map<String, Value>, allowed: &[&str], prefix: &str) -> Result<(), Rejection> {
    for key in map.keys() {
        if !allowed.contains(&key.as_str()) {
            let path = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            return Err(bad_request(format!(
                "Request property [{path}] cannot be parsed"
            )));
        }
    }
    Ok(())
}

fn like(pattern: &str, text: &str) -> bool {
    fn go(p: &[char], t: &[char]) -> bool {
        match p.first() {
            None => t.is_empty(),
            Some('*') => (0..=t.len()).any(|i| go(&p[1..], &t[i..])),
            Some('?') => !t.is_empty() && go(&p[1..], &t[1..]),
            Some('\\') if p.len() > 1 => t.first() == Some(&p[1]) && go(&p[2..], &t[1..]),
            Some(c) => t.first() == Some(c) && go(&p[1..], &t[1..]),
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    go(&p, &t)
}

type Predicate = Box<dyn Fn(&Value) -> bool>;

fn string_filter(field: &'static str, value: &Value, path: &str) -> Result<Predicate, Rejection> {
    let get = move |item: &Value| item.get(field).and_then(Value::as_str).map(str::to_owned);
    match value {
        Value::String(s) => {
            let s = s.clone();
            Ok(Box::new(move |item| {
                get(item).as_deref() == Some(s.as_str())
            }))
        }
        Value::Object(ops) => {
            let mut predicates: Vec<Predicate> = Vec::new();
            for (op, arg) in ops {
                let bad =
                    || bad_request(format!("Request property [{path}.{op}] cannot be parsed"));
                let p: Predicate = match op.as_str() {
                    "$eq" => {
                        let s = arg.as_str().ok_or_else(bad)?.to_owned();
                        Box::new(move |item| get(item).as_deref() == Some(s.as_str()))
                    }
                    "$neq" => {
                        let s = arg.as_str().ok_or_else(bad)?.to_owned();
                        Box::new(move |item| get(item).as_deref() != Some(s.as_str()))
                    }
                    "$exists" => {
                        let want = arg.as_bool().ok_or_else(bad)?;
                        Box::new(move |item| get(item).is_some() == want)
                    }
                    "$in" | "$notIn" => {
                        let values: Vec<String> = arg
                            .as_array()
                            .ok_or_else(bad)?
                            .iter()
                            .map(|v| v.as_str().map(str::to_owned).ok_or_else(bad))
                            .collect::<Result<_, _>>()?;
                        let negate = op == "$notIn";
                        Box::new(move |item| {
                            let found = get(item).is_some_and(|v| values.contains(&v));
                            found != negate
                        })
                    }
                    "$like" => {
                        let pattern = arg.as_str().ok_or_else(bad)?.to_owned();
                        Box::new(move |item| get(item).is_some_and(|v| like(&pattern, &v)))
                    }
                    _ => return Err(bad()),
                };
                predicates.push(p);
            }
            Ok(Box::new(move |item| predicates.iter().all(|p| p(item))))
        }
        _ => Err(bad_request(format!(
            "Request property [{path}] cannot be parsed"
        ))),
    }
}

fn date_time_filter(
    field: &'static str,
    value: &Value,
    path: &str,
) -> Result<Predicate, Rejection> {
    let get = move |item: &Value| {
        item.get(field)
            .and_then(Value::as_str)
            .and_then(Timestamp::parse)
    };
    let instant = |arg: &Value, path: &str| {
        arg.as_str()
            .and_then(Timestamp::parse)
            .ok_or_else(|| bad_request(format!("Request property [{path}] cannot be parsed")))
    };
    match value {
        Value::String(_) => {
            let at = instant(value, path)?;
            Ok(Box::new(move |item| get(item) == Some(at)))
        }
        Value::Object(ops) => {
            let mut predicates: Vec<Predicate> = Vec::new();
            for (op, arg) in ops {
                let at_path = format!("{path}.{op}");
                let p: Predicate = match op.as_str() {
                    "$exists" => {
                        let want = arg.as_bool().ok_or_else(|| {
                            bad_request(format!("Request property [{at_path}] cannot be parsed"))
                        })?;
                        Box::new(move |item| get(item).is_some() == want)
                    }
                    "$in" => {
                        let values: Vec<Timestamp> = arg
                            .as_array()
                            .ok_or_else(|| {
                                bad_request(format!(
                                    "Request property [{at_path}] cannot be parsed"
                                ))
                            })?
                            .iter()
                            .map(|v| instant(v, &at_path))
                            .collect::<Result<_, _>>()?;
                        Box::new(move |item| get(item).is_some_and(|t| values.contains(&t)))
                    }
                    "$eq" | "$neq" | "$gt" | "$gte" | "$lt" | "$lte" => {
                        let at = instant(arg, &at_path)?;
                        let op = op.clone();
                        Box::new(move |item| {
                            get(item).is_some_and(|t| match op.as_str() {
                                "$eq" => t == at,
                                "$neq" => t != at,
                                "$gt" => t > at,
                                "$gte" => t >= at,
                                "$lt" => t < at,
                                _ => t <= at,
                            })
                        })
                    }
                    _ => {
                        return Err(bad_request(format!(
                            "Request property [{at_path}] cannot be parsed"
                        )));
                    }
                };
                predicates.push(p);
            }
            Ok(Box::new(move |item| predicates.iter().all(|p| p(item))))
        }
        _ => Err(bad_request(format!(
            "Request property [{path}] cannot be parsed"
        ))),
    }
}

/// A parsed search request.
pub(crate) struct Query {
    predicates: Vec<Predicate>,
    sort: Vec<SortField>,
    page: Page,
}

fn limit_of(page: &Map<String, Value>) -> Result<usize, Rejection> {
    match page.get("limit") {
        None => Ok(DEFAULT_LIMIT),
        Some(v) => {
            let n = v
                .as_i64()
                .ok_or_else(|| bad_request("Request property [page.limit] cannot be parsed"))?;
            if n < 1 || n as usize > MAX_LIMIT {
                return Err(invalid_argument(vec![format!(
                    "The value for page.limit is '{n}' but must be between 1 and {MAX_LIMIT}"
                )]));
            }
            Ok(n as usize)
        }
    }
}

fn decode_cursor(cursor: &Value, name: &str) -> Result<Vec<Value>, Rejection> {
    let text = cursor
        .as_str()
        .ok_or_else(|| bad_request(format!("Request property [page.{name}] cannot be parsed")))?;
    let bytes = STANDARD
        .decode(text)
        .map_err(|_| invalid_argument(vec![format!("The provided {name} cursor is invalid")]))?;
    serde_json::from_slice::<Vec<Value>>(&bytes)
        .map_err(|_| invalid_argument(vec![format!("The provided {name} cursor is invalid")]))
}

impl Query {
    /// Parses a request body (`None` or empty: defaults).
    pub(crate) fn parse(body: Option<&Value>, spec: &Spec) -> Result<Query, Rejection> {
        let empty = Map::new();
        let root = match body {
            None | Some(Value::Null) => &empty,
            Some(v) => object(v, "")?,
        };
        let allowed: &[&str] = if spec.filters.is_empty() {
            &["sort", "page"]
        } else {
            &["filter", "sort", "page"]
        };
        check_keys(root, allowed, "")?;
        let mut predicates = Vec::new();
        if let Some(filter) = root.get("filter").filter(|f| !f.is_null()) {
            let filter = object(filter, "filter")?;
            let names: Vec<&str> = spec.filters.iter().map(|(n, _, _)| *n).collect();
            check_keys(filter, &names, "filter")?;
            for (name, field, kind) in spec.filters {
                let Some(value) = filter.get(*name).filter(|v| !v.is_null()) else {
                    continue;
                };
                let path = format!("filter.{name}");
                let field: &'static str = field;
                let predicate: Predicate = match kind {
                    FilterKind::String => string_filter(field, value, &path)?,
                    FilterKind::DateTime => date_time_filter(field, value, &path)?,
                    FilterKind::Exact => {
                        let want = value
                            .as_str()
                            .ok_or_else(|| {
                                bad_request(format!("Request property [{path}] cannot be parsed"))
                            })?
                            .to_owned();
                        Box::new(move |item: &Value| {
                            item.get(field).and_then(Value::as_str) == Some(want.as_str())
                        })
                    }
                    FilterKind::AnyOf => {
                        let wanted: Vec<String> = value
                            .as_array()
                            .ok_or_else(|| {
                                bad_request(format!("Request property [{path}] cannot be parsed"))
                            })?
                            .iter()
                            .map(|v| {
                                v.as_str().map(str::to_owned).ok_or_else(|| {
                                    bad_request(format!(
                                        "Request property [{path}] cannot be parsed"
                                    ))
                                })
                            })
                            .collect::<Result<_, _>>()?;
                        Box::new(move |item: &Value| {
                            item.get(field)
                                .and_then(Value::as_str)
                                .is_some_and(|v| wanted.iter().any(|w| w == v))
                        })
                    }
                };
                predicates.push(predicate);
            }
        }
        let mut sort = Vec::new();
        if let Some(entries) = root.get("sort").filter(|s| !s.is_null()) {
            let entries = entries
                .as_array()
                .ok_or_else(|| bad_request("Request property [sort] cannot be parsed"))?;
            for (i, entry) in entries.iter().enumerate() {
                let entry = object(entry, &format!("sort[{i}]"))?;
                check_keys(entry, &["field", "order"], &format!("sort[{i}]"))?;
                let field = match entry.get("field") {
                    None | Some(Value::Null) => {
                        return Err(invalid_argument(vec![
                            "Sort field must not be null".to_owned(),
                        ]));
                    }
                    Some(Value::String(f)) => f.clone(),
                    Some(_) => {
                        return Err(bad_request(format!(
                            "Request property [sort[{i}].field] cannot be parsed"
                        )));
                    }
                };
                if !spec.sort_fields.contains(&field.as_str()) {
                    return Err(bad_request(format!(
                        "Unexpected value '{field}' for enum field 'field'. Use any of the following values: [{}]",
                        spec.sort_fields.join(", ")
                    )));
                }
                let descending = match entry.get("order").and_then(Value::as_str) {
                    None => false,
                    Some(o) if o.eq_ignore_ascii_case("asc") => false,
                    Some(o) if o.eq_ignore_ascii_case("desc") => true,
                    Some(o) => {
                        return Err(bad_request(format!(
                            "Unexpected value '{o}' for enum field 'order'. Use any of the following values: [ASC, DESC]"
                        )));
                    }
                };
                sort.push(SortField { field, descending });
            }
        }
        if sort.is_empty()
            && let Some(field) = spec.default_sort
        {
            sort.push(SortField {
                field: field.to_owned(),
                descending: false,
            });
        }
        let page = match root.get("page").filter(|p| !p.is_null()) {
            None => Page::Offset {
                from: 0,
                limit: DEFAULT_LIMIT,
            },
            Some(page) => {
                let page = object(page, "page")?;
                check_keys(page, &["from", "limit", "after", "before"], "page")?;
                let limit = limit_of(page)?;
                let after = page.get("after").filter(|v| !v.is_null());
                let before = page.get("before").filter(|v| !v.is_null());
                let from = page.get("from").filter(|v| !v.is_null());
                if after.is_some() && before.is_some() {
                    return Err(invalid_argument(vec![
                        "Both after and before cannot be set at the same time".to_owned(),
                    ]));
                }
                if (after.is_some() || before.is_some()) && from.is_some() {
                    return Err(invalid_argument(vec![
                        "Both after/before and from cannot be set at the same time".to_owned(),
                    ]));
                }
                if let Some(after) = after {
                    Page::After {
                        cursor: decode_cursor(after, "after")?,
                        limit,
                    }
                } else if let Some(before) = before {
                    Page::Before {
                        cursor: decode_cursor(before, "before")?,
                        limit,
                    }
                } else {
                    let from = match from {
                        None => 0,
                        Some(v) => match v.as_i64() {
                            Some(n) if n >= 0 => n as usize,
                            Some(n) => {
                                return Err(invalid_argument(vec![format!(
                                    "The value for page.from is '{n}' but must be a non-negative number"
                                )]));
                            }
                            None => {
                                return Err(bad_request(
                                    "Request property [page.from] cannot be parsed",
                                ));
                            }
                        },
                    };
                    Page::Offset { from, limit }
                }
            }
        };
        Ok(Query {
            predicates,
            sort,
            page,
        })
    }

    fn sort_values(&self, item: &Item) -> Vec<Value> {
        let mut values: Vec<Value> = self
            .sort
            .iter()
            .map(|s| {
                if s.field == "key" {
                    json!(item.key)
                } else {
                    item.json.get(&s.field).cloned().unwrap_or(Value::Null)
                }
            })
            .collect();
        values.push(json!(item.key));
        values
    }

    fn compare(&self, a: &[Value], b: &[Value]) -> Ordering {
        for (i, (x, y)) in a.iter().zip(b).enumerate() {
            let ord = compare_values(x, y);
            let ord = match self.sort.get(i) {
                Some(s) if s.descending => ord.reverse(),
                _ => ord,
            };
            if ord != Ordering::Equal {
                return ord;
            }
        }
        a.len().cmp(&b.len())
    }

    /// Filters, sorts and pages `items` into a search response.
    pub(crate) fn run(&self, items: Vec<Item>, version: CamundaVersion) -> Value {
        let mut rows: Vec<(Vec<Value>, Value)> = items
            .into_iter()
            .filter(|item| self.predicates.iter().all(|p| p(&item.json)))
            .map(|item| (self.sort_values(&item), item.json))
            .collect();
        rows.sort_by(|a, b| self.compare(&a.0, &b.0));
        let total = rows.len();
        let window: Vec<(Vec<Value>, Value)> = match &self.page {
            Page::Offset { from, limit } => rows.into_iter().skip(*from).take(*limit).collect(),
            Page::After { cursor, limit } => rows
                .into_iter()
                .filter(|(k, _)| self.compare(k, cursor) == Ordering::Greater)
                .take(*limit)
                .collect(),
            Page::Before { cursor, limit } => {
                let before: Vec<_> = rows
                    .into_iter()
                    .filter(|(k, _)| self.compare(k, cursor) == Ordering::Less)
                    .collect();
                let skip = before.len().saturating_sub(*limit);
                before.into_iter().skip(skip).collect()
            }
        };
        let cursor = |values: &Vec<Value>| {
            Value::String(STANDARD.encode(serde_json::to_vec(values).expect("values serialize")))
        };
        let mut page = Map::new();
        page.insert("totalItems".into(), json!(total.min(TOTAL_ITEMS_CAP)));
        page.insert("hasMoreTotalItems".into(), json!(total > TOTAL_ITEMS_CAP));
        match (window.first(), window.last()) {
            (Some(first), Some(last)) => {
                page.insert("startCursor".into(), cursor(&first.0));
                page.insert("endCursor".into(), cursor(&last.0));
            }
            _ => {
                // 8.8's SDK rejects null cursors; 8.9's requires the keys.
                if version >= CamundaVersion::V8_9 {
                    page.insert("startCursor".into(), Value::Null);
                    page.insert("endCursor".into(), Value::Null);
                }
            }
        }
        json!({
            "items": window.into_iter().map(|(_, json)| json).collect::<Vec<_>>(),
            "page": page,
        })
    }
}

fn compare_values(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (Value::Number(x), Value::Number(y)) if x.is_i64() && y.is_i64() => {
            x.as_i64().cmp(&y.as_i64())
        }
        (Value::Number(x), Value::Number(y)) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(Ordering::Equal),
        (Value::Null, Value::Null) => Ordering::Equal,
        // Missing values sort last, as in Elasticsearch.
        (Value::Null, _) => Ordering::Greater,
        (_, Value::Null) => Ordering::Less,
        _ => a.to_string().cmp(&b.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: Spec = Spec {
        filters: &[("name", "name", FilterKind::String)],
        sort_fields: &["name", "groupId"],
        default_sort: Some("groupId"),
    };

    fn items(n: i64) -> Vec<Item> {
        (0..n)
            .map(|i| Item {
                json: json!({"groupId": format!("g{i:03}"), "name": format!("n{}", i % 3)}),
                key: 100 + i,
            })
            .collect()
    }

    fn ids(result: &Value) -> Vec<String> {
        result["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["groupId"].as_str().unwrap().to_owned())
            .collect()
    }

    #[test]
    fn cursor_pages_cover_everything_once() {
        let all = items(25);
        let mut seen = Vec::new();
        let mut body = json!({"page": {"limit": 7}});
        loop {
            let q = Query::parse(Some(&body), &SPEC).unwrap();
            let result = q.run(all.clone(), CamundaVersion::V8_9);
            let page = ids(&result);
            if page.is_empty() {
                assert!(result["page"]["endCursor"].is_null());
                break;
            }
            seen.extend(page);
            assert_eq!(result["page"]["totalItems"], 25);
            body = json!({"page": {"limit": 7, "after": result["page"]["endCursor"]}});
        }
        let expected: Vec<String> = (0..25).map(|i| format!("g{i:03}")).collect();
        assert_eq!(seen, expected);
    }

    #[test]
    fn sorting_filtering_and_offsets() {
        let body = json!({"filter": {"name": "n1"}, "sort": [{"field": "groupId", "order": "DESC"}], "page": {"from": 1, "limit": 2}});
        let q = Query::parse(Some(&body), &SPEC).unwrap();
        let result = q.run(items(10), CamundaVersion::V8_8);
        assert_eq!(ids(&result), ["g004", "g001"]);
        assert_eq!(result["page"]["totalItems"], 3);
        let like = json!({"filter": {"name": {"$like": "n?"}}});
        let q = Query::parse(Some(&like), &SPEC).unwrap();
        assert_eq!(
            q.run(items(10), CamundaVersion::V8_8)["page"]["totalItems"],
            10
        );
    }

    #[test]
    fn empty_pages_per_version() {
        let q = Query::parse(None, &SPEC).unwrap();
        let v88 = q.run(vec![], CamundaVersion::V8_8);
        assert!(v88["page"].get("endCursor").is_none());
        let v89 = q.run(vec![], CamundaVersion::V8_9);
        assert!(v89["page"]["endCursor"].is_null());
    }

    #[test]
    fn bad_requests() {
        let cases = [
            json!({"page": {"after": "e30=", "before": "e30="}}),
            json!({"page": {"after": "e30=", "from": 1}}),
            json!({"sort": [{"field": "nope"}]}),
            json!({"filter": {"nope": "x"}}),
            json!({"page": {"limit": 10001}}),
            json!({"unknown": 1}),
        ];
        for body in cases {
            assert!(Query::parse(Some(&body), &SPEC).is_err(), "{body}");
        }
        assert!(like("a*c", "abbc") && like("a\\*c", "a*c") && !like("a?c", "ac"));
    }

    #[test]
    fn totals_are_capped() {
        let q = Query::parse(Some(&json!({"page": {"limit": 1}})), &SPEC).unwrap();
        let result = q.run(items(10_050), CamundaVersion::V8_9);
        assert_eq!(result["page"]["totalItems"], 10_000);
        assert_eq!(result["page"]["hasMoreTotalItems"], true);
    }
}
