//! The JSON Schema of the desired-state format, generated from the `Raw*` types.

use crate::config::raw::RawFile;

/// The JSON Schema (draft 2020-12), pretty-printed with a trailing newline.
pub fn json_schema() -> String {
    let schema = schemars::generate::SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<RawFile>();
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema always serializes");
    text.push('\n');
    text
}
