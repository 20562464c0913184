//! The signing key and the master key: from their settings (hex), or kept in the data directory,
//! created on first use, readable by the owner only.

use std::path::Path;

use anyhow::{bail, Context};
use clientdesk_app::crypto::jwt::SigningKey;

pub(super) fn random_bytes() -> Vec<u8> {
    use rand::RngCore;
    let mut secret = vec![0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    secret
}

pub(super) fn key_from_hex(hex_secret: &str) -> anyhow::Result<SigningKey> {
    let secret = hex::decode(hex_secret.trim()).context("the signing key must be hex")?;
    if secret.len() < SigningKey::MIN_BYTES {
        bail!("the signing key must be at least 256 bits (64 hex characters)");
    }
    // The kid names the key without revealing it: the first bytes of its SHA-256.
    let kid = clientdesk_app::crypto::secrets::fingerprint(hex_secret.trim())[..12].to_owned();
    Ok(SigningKey { kid, secret })
}

/// Writes a fresh random key (hex) to `path`, readable by the owner only (0600) from its
/// creation on, whatever the umask.
fn write_key_file(data_dir: &Path, path: &Path) -> anyhow::Result<()> {
    use std::io::Write;
    std::fs::create_dir_all(data_dir).with_context(|| format!("creating {}", data_dir.display()))?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).with_context(|| format!("creating {}", path.display()))?;
    file.write_all(hex::encode(random_bytes()).as_bytes()).with_context(|| format!("writing {}", path.display()))
}

/// Narrows a key file made before keys were created 0600 (it took the umask's mode).
fn restrict(path: &Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).with_context(|| format!("reading {}", path.display()))?.permissions().mode();
        if mode & 0o077 != 0 {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
                .with_context(|| format!("restricting {} to its owner", path.display()))?;
            tracing::warn!(path = %path.display(), "the key file was readable by others: restricted it to its owner (0600)");
        }
    }
    Ok(())
}

pub(super) fn master_key_from_hex(hex_key: &str) -> anyhow::Result<[u8; 32]> {
    let key = hex::decode(hex_key.trim()).context("the master key must be hex")?;
    key.try_into().map_err(|_| anyhow::anyhow!("the master key must be 256 bits (64 hex characters)"))
}

/// The master key kept in `data_dir/master-key`, created on first use. Losing it loses every
/// sealed secret: back it up with the database, or set CLIENTDESK_MASTER_KEY.
pub(super) fn stored_master_key(data_dir: &Path) -> anyhow::Result<[u8; 32]> {
    let path = data_dir.join("master-key");
    if !path.exists() {
        write_key_file(data_dir, &path)?;
        tracing::warn!(path = %path.display(), "no CLIENTDESK_MASTER_KEY set: created a master key in the data directory; \
            set CLIENTDESK_MASTER_KEY (the same on every server process) in production");
    }
    restrict(&path)?;
    master_key_from_hex(&std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?)
}

/// The signing key kept in `data_dir/signing-key`, created on first use.
pub(super) fn stored_key(data_dir: &Path) -> anyhow::Result<SigningKey> {
    let path = data_dir.join("signing-key");
    if !path.exists() {
        write_key_file(data_dir, &path)?;
        tracing::warn!(path = %path.display(), "no CLIENTDESK_JWT_SECRET set: created a signing key in the data directory; \
            set CLIENTDESK_JWT_SECRET (the same on every server process) in production");
    } else if std::env::var("CLIENTDESK_JWT_SECRET").is_err() {
        tracing::warn!(path = %path.display(), "no CLIENTDESK_JWT_SECRET set: using the signing key kept in the data directory");
    }
    restrict(&path)?;
    key_from_hex(&std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn key_files_are_readable_by_their_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("clientdesk-keys-{}", uuid::Uuid::new_v4()));
        stored_key(&dir).unwrap();
        let master = stored_master_key(&dir).unwrap();
        assert_eq!(stored_master_key(&dir).unwrap(), master, "the stored key is kept");
        for name in ["signing-key", "master-key"] {
            let mode = std::fs::metadata(dir.join(name)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{name}");
        }
        // A key file of before, readable by others, is narrowed when read.
        std::fs::set_permissions(dir.join("master-key"), std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(stored_master_key(&dir).unwrap(), master);
        let mode = std::fs::metadata(dir.join("master-key")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
