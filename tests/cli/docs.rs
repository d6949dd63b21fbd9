//! The documentation names tests that exist.

use std::fs;
use std::path::Path;

use crate::common::root;

fn sources(dir: &Path, out: &mut String) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push_str(&fs::read_to_string(&path).unwrap());
        }
    }
}

#[test]
fn every_test_named_in_reliability_md_exists() {
    let doc = fs::read_to_string(root().join("docs/reliability.md")).unwrap();
    let mut code = String::new();
    sources(&root().join("src"), &mut code);
    sources(&root().join("tests"), &mut code);
    let mut named = 0;
    for part in doc.split('`').skip(1).step_by(2) {
        let is_test_name = part.len() > 12
            && part
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit())
            && part.contains('_');
        if is_test_name {
            named += 1;
            assert!(
                code.contains(&format!("fn {part}(")),
                "docs/reliability.md names `{part}`, which no test defines"
            );
        }
    }
    assert!(named >= 40, "{named} tests named");
}
