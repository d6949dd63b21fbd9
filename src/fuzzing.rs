//! The fuzz targets' bodies (`fuzz/`), shared with the test that replays
//! the corpus and every crash kept in `fuzz/regressions/`.

use serde_json::Value;

use crate::config::{self, Variables};
use crate::live::reader::{Live, add_entities, member_of};
use crate::live::wire::{MemberKind, SearchPage};
use crate::model::CamundaVersion;
use crate::render::diagnostics::{Style, human};

/// Any bytes as a configuration file: diagnostics, never a panic.
pub fn config_loader(data: &[u8]) {
    let vars = Variables::new([("SET".to_owned(), "value".to_owned())]);
    for version in CamundaVersion::ALL {
        let outcome = config::load_bytes("fuzz.yaml", data, version, &vars);
        // Rendering the diagnostics must not panic either.
        let _ = human(
            &outcome.diagnostics,
            &outcome.sources,
            Style {
                color: false,
                width: 80,
            },
        );
    }
}

/// Any bytes as a search answer of the identity API: read into the model
/// or skipped, never a panic.
pub fn api_responses(data: &[u8]) {
    let Ok(answer) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    // A search page's items, or the whole answer as one item.
    let page = SearchPage::of(answer.clone());
    let items: Vec<Value> = if matches!(answer.get("items"), Some(Value::Array(_))) {
        page.items
    } else {
        vec![answer]
    };
    let mut live = Live {
        version: CamundaVersion::V8_9,
        gateway_version: String::new(),
        state: Default::default(),
        disabled: Default::default(),
        unknown: Vec::new(),
    };
    add_entities(&mut live, std::array::from_fn(|_| Some(items.clone())));
    for kind in MemberKind::ALL {
        for item in &items {
            let _ = member_of(kind, item);
        }
    }
}
