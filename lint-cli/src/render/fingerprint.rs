//! Fingerprints: one stable identifier per finding, for reports that track findings
//! across runs (GitLab Code Quality, SARIF's `partialFingerprints`, JSON's
//! `fingerprint`) and for `--baseline`.

use lint_source::Diagnostic;

use super::Resolver;

/// One stable fingerprint per diagnostic: 32 hex digits of two FNV-1a hashes over the
/// rule code, the file's display path, the text under the primary label (the
/// directive or entry, not its line number) and the message when there is no place.
/// Findings with the same key are told apart by their order, so the N-th copy of a
/// finding keeps its fingerprint when lines are inserted above it.
pub fn fingerprints(diagnostics: &[Diagnostic], resolver: &Resolver<'_>) -> Vec<String> {
    let mut seen: std::collections::HashMap<u128, u32> = std::collections::HashMap::new();
    diagnostics
        .iter()
        .map(|d| {
            let mut key = Fnv128::new();
            key.write(d.code.as_bytes());
            match &d.primary {
                Some(p) => {
                    key.write(resolver.path(p.span).as_bytes());
                    let whole = resolver.map().get(p.span.file).text();
                    let text = whole
                        .get(p.span.start as usize..p.span.end as usize)
                        .unwrap_or_default();
                    key.write(text.trim_ascii());
                }
                None => key.write(d.message.as_bytes()),
            }
            let base = key.finish();
            let nth = seen.entry(base).or_insert(0);
            let mut with_order = Fnv128::from(base);
            with_order.write(&nth.to_le_bytes());
            *nth += 1;
            format!("{:032x}", with_order.finish())
        })
        .collect()
}

/// FNV-1a in two 64-bit lanes with different offsets: stable across Rust releases and
/// platforms (std's hashers promise neither), ten lines rather than a dependency.
struct Fnv128(u64, u64);

impl Fnv128 {
    const PRIME: u64 = 0x0000_0100_0000_01b3;

    fn new() -> Self {
        Fnv128(0xcbf2_9ce4_8422_2325, 0x6c62_272e_07bb_0142)
    }

    fn from(seed: u128) -> Self {
        Fnv128((seed >> 64) as u64, seed as u64)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(Self::PRIME);
            self.1 = (self.1 ^ u64::from(b.rotate_left(3))).wrapping_mul(Self::PRIME);
        }
        // A separator, so that ("ab", "c") and ("a", "bc") differ.
        self.0 = (self.0 ^ 0xff).wrapping_mul(Self::PRIME);
        self.1 = (self.1 ^ 0xfe).wrapping_mul(Self::PRIME);
    }

    fn finish(&self) -> u128 {
        (u128::from(self.0) << 64) | u128::from(self.1)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use lint_source::{FileKind, SourceMap, Span};
    use std::path::PathBuf;

    /// Findings of the first rule at `spans` of a file `/srv/nginx.conf` holding `text`.
    pub(crate) fn diagnostics(
        map: &SourceMap,
        text: &str,
        spans: &[(usize, usize)],
    ) -> Vec<Diagnostic> {
        let file = map.add(lint_source::SourceFile::new(
            PathBuf::from("/srv/nginx.conf"),
            Some(PathBuf::from("/srv/nginx.conf")),
            FileKind::Nginx,
            std::sync::Arc::from(text.as_bytes()),
        ));
        let meta = crate::all_rules()[0];
        spans
            .iter()
            .map(|&(s, e)| Diagnostic::new(meta, Span::new(file, s, e), "message"))
            .collect()
    }

    #[test]
    fn fingerprints_survive_lines_moving_and_tell_copies_apart() {
        let before = "listen 80;\nlisten 80;\n";
        let after = "# a comment added above\nlisten 80;\nlisten 80;\n";
        let (map_a, map_b) = (SourceMap::new(), SourceMap::new());
        let a = diagnostics(&map_a, before, &[(0, 10), (11, 21)]);
        let b = diagnostics(&map_b, after, &[(24, 34), (35, 45)]);
        let base = PathBuf::from("/srv");
        let pa = fingerprints(&a, &Resolver::new(&map_a, base.clone()));
        let pb = fingerprints(&b, &Resolver::new(&map_b, base));
        assert_eq!(pa, pb, "moved lines keep their fingerprints");
        assert_ne!(pa[0], pa[1], "two copies of one finding differ");
        assert!(pa.iter().all(|p| p.len() == 32));
    }
}
