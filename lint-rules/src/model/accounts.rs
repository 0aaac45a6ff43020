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
                members.insert(
                    f[0].to_string(),
                    f[3].split(',')
                        .filter(|m| !m.is_empty())
                        .map(str::to_string)
                        .collect(),
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
