//! The tool's own authorizations as the cluster resolves them (8.10,
//! `POST /authentication/me/authorizations/search`): direct, through
//! groups, roles, roles of groups, and the mapping rules its token matches.

use reqwest::Method;
use serde_json::json;

use crate::live::client::Client;
use crate::live::error::ApiError;
use crate::live::wire::{AuthorizationItem, SearchPage};
use crate::model::catalogue::OwnerType;

/// Items asked for per page.
const PAGE: usize = 1000;
/// Pages read at most (a guard against a server that never ends).
const MAX_PAGES: usize = 50;

/// The owners (type, ID) of every authorization the cluster says applies
/// to the caller. Owner types this tool does not know are skipped.
pub async fn own_authorization_owners(
    client: &Client,
) -> Result<Vec<(OwnerType, String)>, ApiError> {
    let mut owners = Vec::new();
    let mut after: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let mut page = json!({"limit": PAGE});
        if let Some(cursor) = &after {
            page["after"] = json!(cursor);
        }
        let answer = client
            .request(
                Method::POST,
                "/authentication/me/authorizations/search",
                Some(&json!({"page": page})),
            )
            .await?
            .unwrap_or_default();
        let page = SearchPage::of(answer);
        let count = page.items.len();
        for item in page.items {
            let Ok(item) = serde_json::from_value::<AuthorizationItem>(item) else {
                continue;
            };
            if let Some(owner_type) = OwnerType::parse(&item.owner_type) {
                owners.push((owner_type, item.owner_id));
            }
        }
        match page.page.end_cursor {
            Some(cursor) if count == PAGE && after.as_ref() != Some(&cursor) => {
                after = Some(cursor);
            }
            _ => break,
        }
    }
    owners.sort();
    owners.dedup();
    Ok(owners)
}
