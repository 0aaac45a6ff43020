//! Lists of names in findings' messages, capped: a header list dropped by 2 000
//! locations, each naming 10 000 headers, wrote 178 MB of text before the cap.

/// How many names a message lists before it counts the rest.
pub(crate) const LISTED: usize = 6;

/// `names` joined with ", ", the first [`LISTED`] of them and " and N more" for the rest.
pub(crate) fn capped<S: AsRef<str>>(names: impl IntoIterator<Item = S>) -> String {
    let mut out = String::new();
    let mut more = 0usize;
    for (i, name) in names.into_iter().enumerate() {
        if i >= LISTED {
            more += 1;
            continue;
        }
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(name.as_ref());
    }
    if more > 0 {
        out.push_str(&format!(" and {more} more"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::capped;

    #[test]
    fn short_lists_are_written_whole_and_long_ones_counted() {
        assert_eq!(capped(["a"]), "a");
        assert_eq!(capped(["a", "b", "c", "d", "e", "f"]), "a, b, c, d, e, f");
        let many: Vec<String> = (0..10_000).map(|i| format!("X-H{i}")).collect();
        assert_eq!(
            capped(&many),
            "X-H0, X-H1, X-H2, X-H3, X-H4, X-H5 and 9994 more"
        );
        assert_eq!(capped(Vec::<String>::new()), "");
    }
}
