//! Users and groups, from `/etc/passwd` and `/etc/group` (under `--root`), for
//! deciding whether nginx's worker may open a pool's socket.

use foldhash::{HashMap, HashMapExt};

/// What the account files say.
#[derive(Clone, Debug, Default)]
pub struct Accounts {
    /// user → primary group name.
    pub primary_group: HashMap<String, String>,
    /// group → supplementary members.
    pub members: HashMap<String, Vec<String>>,
    /// True when read from files (otherwise conventions are assumed).
    pub from_files: bool,
    /// uid → user name.
    pub user_by_uid: HashMap<u32, String>,
    /// gid → group name.
    pub group_by_gid: HashMap<u32, String>,
}

impl Accounts {
    /// Feeds the accounts to `h`, in name order (the maps' own order varies).
    pub fn fingerprint(&self, h: &mut impl std::hash::Hasher) {
        use std::hash::Hash;
        fn sorted<K: Ord + std::fmt::Debug, V: std::fmt::Debug>(
            map: &HashMap<K, V>,
        ) -> Vec<(&K, &V)> {
            let mut all: Vec<_> = map.iter().collect();
            all.sort_unstable_by(|a, b| a.0.cmp(b.0));
            all
        }
        format!(
            "{:?} {:?} {:?} {:?} {}",
            sorted(&self.primary_group),
            sorted(&self.members),
            sorted(&self.user_by_uid),
            sorted(&self.group_by_gid),
            self.from_files
        )
        .hash(h);
    }

    /// Reads the accounts of the tree under `base`: `etc/passwd` and `etc/group`, plus
    /// the databases `etc/nsswitch.conf` adds after `files` (libnss-extrausers'
    /// `var/lib/extrausers/`: hosting panels such as Froxlor keep their customers'
    /// groups, and the web server's membership in them, there). `None` without both
    /// files.
    ///
    /// ```
    /// let dir = std::env::temp_dir().join(format!("accounts-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(dir.join("etc")).unwrap();
    /// std::fs::create_dir_all(dir.join("var/lib/extrausers")).unwrap();
    /// std::fs::write(dir.join("etc/passwd"), "www-data:x:33:33::/var/www:/bin/false\n").unwrap();
    /// std::fs::write(dir.join("etc/group"), "www-data:x:33:\n").unwrap();
    /// std::fs::write(dir.join("etc/nsswitch.conf"), "passwd: files extrausers\ngroup: files extrausers\n").unwrap();
    /// std::fs::write(dir.join("var/lib/extrausers/group"), "web1:x:10000:www-data\n").unwrap();
    /// let accounts = lint_rules::model::accounts::Accounts::read_root(&dir).unwrap();
    /// assert_eq!(accounts.members["web1"], ["www-data"]);
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// ```
    pub fn read_root(base: &std::path::Path) -> Option<Self> {
        let mut passwd = std::fs::read_to_string(base.join("etc/passwd")).ok()?;
        let mut group = std::fs::read_to_string(base.join("etc/group")).ok()?;
        let nsswitch = std::fs::read_to_string(base.join("etc/nsswitch.conf")).unwrap_or_default();
        let extra = |database: &str| {
            nsswitch.lines().any(|line| {
                let line = line.split('#').next().unwrap_or("");
                line.split_once(':').is_some_and(|(db, sources)| {
                    db.trim() == database && sources.split_whitespace().any(|s| s == "extrausers")
                })
            })
        };
        for (database, text) in [("passwd", &mut passwd), ("group", &mut group)] {
            if extra(database) {
                if let Ok(more) =
                    std::fs::read_to_string(base.join("var/lib/extrausers").join(database))
                {
                    text.push('\n');
                    text.push_str(&more);
                }
            }
        }
        Some(Self::parse(&passwd, &group))
    }

    /// Parses passwd and group texts.
    pub fn parse(passwd: &str, group: &str) -> Self {
        let mut gid_name: HashMap<&str, &str> = HashMap::new();
        let mut members = HashMap::new();
        let mut group_by_gid = HashMap::new();
        let mut user_by_uid = HashMap::new();
        for line in group.lines() {
            let f: Vec<&str> = line.split(':').collect();
            if f.len() >= 4 {
                gid_name.insert(f[2], f[0]);
                if let Ok(gid) = f[2].parse() {
                    group_by_gid.entry(gid).or_insert_with(|| f[0].to_string());
                }
                // A group listed by two databases (files, extrausers) has both lists.
                members
                    .entry(f[0].to_string())
                    .or_insert_with(Vec::new)
                    .extend(
                        f[3].split(',')
                            .filter(|m| !m.is_empty())
                            .map(str::to_string),
                    );
            }
        }
        let mut primary_group = HashMap::new();
        for line in passwd.lines() {
            let f: Vec<&str> = line.split(':').collect();
            if f.len() >= 4 {
                if let Ok(uid) = f[2].parse() {
                    user_by_uid.entry(uid).or_insert_with(|| f[0].to_string());
                }
                if let Some(g) = gid_name.get(f[3]) {
                    primary_group.insert(f[0].to_string(), (*g).to_string());
                }
            }
        }
        Accounts {
            primary_group,
            members,
            from_files: true,
            user_by_uid,
            group_by_gid,
        }
    }

    /// The primary group of a user (Debian's convention of a same-named group when unknown;
    /// `nobody` → `nogroup`).
    pub fn primary(&self, user: &str) -> String {
        if let Some(g) = self.primary_group.get(user) {
            return g.clone();
        }
        match user {
            "nobody" => "nogroup".to_string(),
            other => other.to_string(),
        }
    }

    /// Every group of a user.
    pub fn groups(&self, user: &str) -> Vec<String> {
        let mut groups = vec![self.primary(user)];
        for (g, members) in &self.members {
            if members.iter().any(|m| m == user) && !groups.contains(g) {
                groups.push(g.clone());
            }
        }
        groups
    }
}
