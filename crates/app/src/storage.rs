//! Where attachment contents live: one interface over a local directory (the default) or
//! S3-compatible object storage, through the `object_store` crate. The database keeps only the
//! metadata and the object's key, so every server process sees the same files when they share
//! the storage.

use std::path::Path;
use std::sync::Arc;

use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, PutPayload, WriteMultipart};

/// The storage could not be reached or refused the operation.
#[derive(Debug, thiserror::Error)]
#[error("attachment storage: {0}")]
pub struct StorageError(#[from] pub object_store::Error);

/// S3-compatible object storage settings.
#[derive(Debug, Clone)]
pub struct S3Settings {
    pub bucket: String,
    /// e.g. `https://s3.eu-central-1.amazonaws.com`, or a MinIO / Ceph address.
    pub endpoint: Option<String>,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
}

#[derive(Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
    /// For logs and the readiness of the configuration: `local:<dir>` or `s3:<bucket>`.
    pub description: String,
}

impl Storage {
    /// Files under `dir`, created if missing.
    pub fn local(dir: &Path) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        let store = LocalFileSystem::new_with_prefix(dir).map_err(std::io::Error::other)?;
        Ok(Self { store: Arc::new(store), description: format!("local:{}", dir.display()) })
    }

    pub fn s3(settings: &S3Settings) -> Result<Self, object_store::Error> {
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(&settings.bucket)
            .with_region(&settings.region)
            .with_access_key_id(&settings.access_key_id)
            .with_secret_access_key(&settings.secret_access_key);
        if let Some(endpoint) = &settings.endpoint {
            // Self-hosted S3 (MinIO, Ceph) is often plain HTTP inside the network, and addressed by path.
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"))
                .with_virtual_hosted_style_request(false);
        }
        Ok(Self { store: Arc::new(builder.build()?), description: format!("s3:{}", settings.bucket) })
    }

    pub async fn put(&self, key: &str, contents: Vec<u8>) -> Result<(), StorageError> {
        self.store.put(&ObjectPath::from(key), PutPayload::from(contents)).await?;
        Ok(())
    }

    /// Starts writing an object in parts, so that a large file never sits whole in memory.
    /// Nothing is visible under `key` until [`WriteMultipart::finish`]; abort it on failure.
    pub async fn writer(&self, key: &str) -> Result<WriteMultipart, StorageError> {
        let upload = self.store.put_multipart(&ObjectPath::from(key)).await?;
        Ok(WriteMultipart::new_with_chunk_size(upload, PART_BYTES))
    }

    pub async fn get(&self, key: &str) -> Result<Vec<u8>, StorageError> {
        let object = self.store.get(&ObjectPath::from(key)).await?;
        Ok(object.bytes().await?.to_vec())
    }

    /// Removes an object; a missing one is fine (the goal is that it is gone).
    pub async fn delete(&self, key: &str) -> Result<(), StorageError> {
        match self.store.delete(&ObjectPath::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}

/// The size of the parts an object is written in: S3's smallest part.
const PART_BYTES: usize = 5 * 1024 * 1024;
