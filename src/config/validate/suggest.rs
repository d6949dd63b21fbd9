//! "Did you mean …?": the closest known name to a mistyped one.

/// The candidate closest to `input` (case-insensitive, `-` as `_`), if it
/// is close enough to be a likely typo.
pub(super) fn closest<'c>(
    input: &str,
    candidates: impl Iterator<Item = &'c str>,
) -> Option<&'c str> {
    let normalized = input.to_ascii_uppercase().replace('-', "_");
    candidates
        .map(|c| (edit_distance(&normalized, c), c))
        .filter(|(d, c)| *d <= (c.len() / 4).max(1))
        .min()
        .map(|(_, c)| c)
}

/// Levenshtein distance over characters.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        let names = ["PROCESS_DEFINITION", "DECISION_DEFINITION", "MESSAGE"];
        assert_eq!(
            closest("PROCESS_DEFINITON", names.into_iter()),
            Some("PROCESS_DEFINITION")
        );
        assert_eq!(
            closest("process-definition", names.into_iter()),
            Some("PROCESS_DEFINITION")
        );
        assert_eq!(closest("MESAGE", names.into_iter()), Some("MESSAGE"));
        assert_eq!(closest("PUBLISH", names.into_iter()), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
