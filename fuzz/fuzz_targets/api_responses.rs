//! Any bytes as a search answer of the identity API: never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| camunda_access::fuzzing::api_responses(data));
