//! Import (CSV/XLSX) and export (CSV) of customers.

use worker::{Request, Response};

use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};

pub async fn import(_ctx: &Ctx, _req: &mut Request) -> ApiResult<Response> {
    Err(ApiError::Internal("import: not built yet".into()))
}

pub async fn export(_ctx: &Ctx, _req: &Request) -> ApiResult<Response> {
    Err(ApiError::Internal("export: not built yet".into()))
}
