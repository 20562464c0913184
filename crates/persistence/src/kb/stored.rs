//! Article columns as stored, read back into the domain's values (the audience and status are
//! in `crate::audience`, shared with the vault's documents).

pub(super) fn split_tags(tags: &str) -> Vec<String> {
    tags.split_whitespace().map(str::to_owned).collect()
}
