//! Fingerprints: sha256 of the canonical JSON of a state, so a saved plan
//! can later be checked against what it was computed from.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// Lower-case hex sha256 of the canonical JSON of `value` (maps are ordered,
/// so equal states have equal fingerprints). Secrets are not serialized.
pub fn fingerprint<T: Serialize>(value: &T) -> String {
    let json = serde_json::to_vec(value).expect("states serialize");
    Sha256::digest(&json)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::state::{AccessState, Group};

    #[test]
    fn equal_states_equal_fingerprints() {
        let mut a = AccessState::default();
        let empty = fingerprint(&a);
        assert_eq!(empty.len(), 64);
        a.groups.insert(
            "g".into(),
            Group {
                name: "G".into(),
                description: String::new(),
            },
        );
        let b = a.clone();
        assert_eq!(fingerprint(&a), fingerprint(&b));
        assert_ne!(fingerprint(&a), empty);
    }
}
