//! The OpenAPI 3.1 document of `/api/v1`.

use axum::Json;

/// GET /api/v1/openapi.json
pub async fn serve() -> Json<serde_json::Value> {
    Json(document())
}

/// The document.
pub fn document() -> serde_json::Value {
    serde_json::json!({"openapi": "3.1.0", "info": {"title": "DUI", "version": "1"}, "paths": {}})
}
