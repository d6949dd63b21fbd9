//! Replays the fuzz corpus and every crash kept in `fuzz/regressions/`
//! through the fuzz targets' bodies (`scripts/fuzz.sh` runs the fuzzer).

use std::fs;

use crate::common::root;

fn inputs(target: &str) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for dir in ["fuzz/corpus", "fuzz/regressions"] {
        let Ok(entries) = fs::read_dir(root().join(dir).join(target)) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_file() && path.file_name().is_none_or(|n| n != ".keep") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn the_config_loader_survives_its_corpus_and_past_crashes() {
    let files = inputs("config_loader");
    assert!(files.len() >= 30, "{files:?}");
    for path in files {
        camunda_access::fuzzing::config_loader(&fs::read(&path).unwrap());
    }
}

#[test]
fn api_decoding_survives_its_corpus_and_past_crashes() {
    let files = inputs("api_responses");
    assert!(files.len() >= 7, "{files:?}");
    for path in files {
        camunda_access::fuzzing::api_responses(&fs::read(&path).unwrap());
    }
}
