//! Any bytes as a configuration file: diagnostics, never a panic or a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| camunda_access::fuzzing::config_loader(data));
