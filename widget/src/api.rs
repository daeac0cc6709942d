//! The widget's HTTP client: `fetch` with the bearer token, JSON in and out, and the
//! API's error shape turned into [`Failure`].

use leptos::prelude::GetValue;
use serde::de::DeserializeOwned;
use shared::api::ErrorBody;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestInit, Response};

use crate::attrs::Attrs;

#[derive(Clone, Debug, PartialEq)]
pub enum Failure {
    /// 401: the token is missing, expired or refused; the host should supply a new one.
    Unauthorized,
    /// Any other error answer, as the API described it.
    Api { status: u16, code: String, message: String, details: Option<serde_json::Value> },
    /// No answer at all (offline, blocked by CORS, …). What the browser said is not kept:
    /// the reader is told the same whatever it was, and its text would cost every bundle
    /// the formatting of JavaScript values.
    Network,
    /// An answer that does not read as the type expected (a widget and an API of
    /// different versions), or a body that could not be written: not the network's fault,
    /// so a retry will not help.
    Decode,
}

/// A successful answer: its status, what it says, and its JSON text.
pub struct Answer<T> {
    pub status: u16,
    pub value: T,
    pub text: String,
}

impl<T> Answer<T> {
    /// The answer as the detail of an event hosts hear: the JSON the API wrote, parsed by
    /// the browser (the widget does not write it out again).
    pub fn detail(&self) -> wasm_bindgen::JsValue {
        js_sys::JSON::parse(&self.text).unwrap_or(wasm_bindgen::JsValue::NULL)
    }
}

#[derive(Clone)]
pub struct Client {
    base: String,
    token: Option<String>,
    /// Sent as `Idempotency-Key`: a retried submission is the same submission.
    idempotency: Option<String>,
    /// Sent as `X-Allot-Embedder`: the origin of the page framing `/embed/<element>`,
    /// which the server holds to the tenant's allowed origins as it would an `Origin`.
    embedder: Option<String>,
    /// A file sent as the body instead of JSON, with its media type (the admin console's
    /// import). Only in the console's build: the others' requests are JSON alone, built by
    /// the same code as before the console existed (#17: it must not make them grow), and
    /// what only the console needs is at the end of this file (see there).
    #[cfg(feature = "admin")]
    file: Option<(web_sys::Blob, String)>,
}

impl Client {
    /// The client for an element: its `api` attribute, or the widget's own origin.
    pub fn of(attrs: &Attrs) -> Client {
        let base = attrs.get("api").unwrap_or_else(|| attrs.origin.get_value());
        Client {
            base: base.trim_end_matches('/').to_string(),
            token: attrs.get("token"),
            idempotency: None,
            embedder: attrs.get_untracked("embedder"),
            #[cfg(feature = "admin")]
            file: None,
        }
    }

    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, Failure> {
        Ok(self.call("GET", path, None).await?.value)
    }

    /// `DELETE`; the answer with its text, for the event that tells the host.
    pub async fn delete<T: DeserializeOwned>(&self, path: &str) -> Result<Answer<T>, Failure> {
        self.call("DELETE", path, None).await
    }

    pub async fn send<T: DeserializeOwned>(&self, method: &str, path: &str, body: &impl serde::Serialize) -> Result<T, Failure> {
        Ok(self.send_answer(method, path, body).await?.value)
    }

    /// Like [`Client::send`], with the answer's status (a create answers 201, or 200 when
    /// it gave the caller an existing customer) and text.
    pub async fn send_answer<T: DeserializeOwned>(&self, method: &str, path: &str, body: &impl serde::Serialize) -> Result<Answer<T>, Failure> {
        let text = serde_json::to_string(body).map_err(|_| Failure::Decode)?;
        self.call(method, path, Some(text)).await
    }

    /// An answer as JavaScript, read field by field where decoding it in wasm would
    /// cost the bundle more than it is worth (a short directory of names).
    pub async fn get_js(&self, path: &str) -> Result<wasm_bindgen::JsValue, Failure> {
        let (_, text) = self.exchange("GET", path, None).await?;
        js_sys::JSON::parse(&text).map_err(|_| Failure::Decode)
    }

    /// Like [`Client::get_js`], for a request with a body.
    pub async fn send_js(&self, method: &str, path: &str, body: &impl serde::Serialize) -> Result<wasm_bindgen::JsValue, Failure> {
        let text = serde_json::to_string(body).map_err(|_| Failure::Decode)?;
        let (_, text) = self.exchange(method, path, Some(text)).await?;
        js_sys::JSON::parse(&text).map_err(|_| Failure::Decode)
    }

    async fn call<T: DeserializeOwned>(&self, method: &str, path: &str, body: Option<String>) -> Result<Answer<T>, Failure> {
        let (status, text) = self.exchange(method, path, body).await?;
        let value = shared::wire::from_json(&text).map_err(|_| Failure::Decode)?;
        Ok(Answer { status, value, text })
    }

    /// The request and its answer's text, failures already told apart. Not generic, so
    /// the bundle holds one copy of it however many answer types an element reads.
    async fn exchange(&self, method: &str, path: &str, body: Option<String>) -> Result<(u16, String), Failure> {
        let net = |_: wasm_bindgen::JsValue| Failure::Network;
        let init = RequestInit::new();
        init.set_method(method);
        if let Some(body) = &body {
            init.set_body(&wasm_bindgen::JsValue::from_str(body));
        }
        let request = Request::new_with_str_and_init(&format!("{}/api/v1{path}", self.base), &init).map_err(net)?;
        let headers = request.headers();
        if let Some(token) = &self.token {
            headers.set("authorization", &format!("Bearer {token}")).map_err(net)?;
        }
        if body.is_some() {
            headers.set("content-type", "application/json").map_err(net)?;
        }
        if let Some(key) = &self.idempotency {
            headers.set("idempotency-key", key).map_err(net)?;
        }
        if let Some(origin) = &self.embedder {
            headers.set("x-allot-embedder", origin).map_err(net)?;
        }
        #[cfg(feature = "admin")]
        let request = self.with_file(request)?;
        let window = web_sys::window().ok_or(Failure::Network)?;
        let response: Response = JsFuture::from(window.fetch_with_request(&request)).await.map_err(net)?.dyn_into().map_err(net)?;
        let status = response.status();
        let text = JsFuture::from(response.text().map_err(net)?).await.map_err(net)?.as_string().unwrap_or_default();
        if !(200..300).contains(&status) {
            return Err(match shared::wire::from_json::<ErrorBody>(&text) {
                // A 401 asks the host for a new token, except for a deactivated account:
                // a new token would be refused too, so the reader is told why.
                Ok(e) if status != 401 || e.error.code == "deactivated" => Failure::Api { status, code: e.error.code, message: e.error.message, details: e.error.details },
                _ if status == 401 => Failure::Unauthorized,
                _ => Failure::Api { status, code: "http".into(), message: format!("HTTP {status}"), details: None },
            });
        }
        Ok((status, text))
    }
}

/// Loads the settings a form needs into `target`, untouched when nothing changed: a refetch must not re-create an open form and lose what was typed.
pub async fn load_settings(client: &Client, target: leptos::prelude::RwSignal<Option<shared::settings::CustomerLists>>) -> Result<(), Failure> {
    use leptos::prelude::{Set, WithUntracked};
    let s = client.get::<shared::settings::CustomerLists>("/settings").await?;
    // The element may have been unmounted while the request was in flight: then the
    // signal is gone and there is nothing to update.
    if target.try_with_untracked(|current| current.as_ref() != Some(&s)) == Some(true) {
        target.try_set(Some(s));
    }
    Ok(())
}

impl Client {
    /// The same client presenting `token` (an intake key) instead of the element's token.
    pub fn with_token(self, token: Option<String>) -> Client {
        Client { token, ..self }
    }

    pub fn with_idempotency(self, key: String) -> Client {
        Client { idempotency: Some(key), ..self }
    }

    pub fn has_token(&self) -> bool {
        self.token.is_some()
    }
}

/// What only the admin console asks: a text answer, and a file as the body. Kept last:
/// every bundle holds the line and column of each `async fn` above (the panic of a future
/// polled after it finished), so code for the console placed above them would change
/// the other bundles' bytes, not only the console's.
#[cfg(feature = "admin")]
impl Client {
    /// A text answer (a CSV file), as the server wrote it.
    pub async fn get_text(&self, path: &str) -> Result<String, Failure> {
        Ok(self.exchange("GET", path, None).await?.1)
    }

    /// `POST`s a file as the body (an import), with its media type.
    pub async fn upload<T: DeserializeOwned>(&self, path: &str, file: &web_sys::Blob, media_type: &str) -> Result<Answer<T>, Failure> {
        let client = Client { file: Some((file.clone(), media_type.to_string())), ..self.clone() };
        let (status, text) = client.exchange("POST", path, None).await?;
        let value = shared::wire::from_json(&text).map_err(|_| Failure::Decode)?;
        Ok(Answer { status, value, text })
    }

    /// A file answer (the import template as a workbook), its bytes as the server sent
    /// them: [`Client::exchange`] reads answers as text, which would mangle a binary file.
    pub async fn get_file(&self, path: &str) -> Result<web_sys::Blob, Failure> {
        let net = |_: wasm_bindgen::JsValue| Failure::Network;
        let request = Request::new_with_str(&format!("{}/api/v1{path}", self.base)).map_err(net)?;
        if let Some(token) = &self.token {
            request.headers().set("authorization", &format!("Bearer {token}")).map_err(net)?;
        }
        if let Some(origin) = &self.embedder {
            request.headers().set("x-allot-embedder", origin).map_err(net)?;
        }
        let window = web_sys::window().ok_or(Failure::Network)?;
        let response: Response = JsFuture::from(window.fetch_with_request(&request)).await.map_err(net)?.dyn_into().map_err(net)?;
        if !response.ok() {
            // A refusal is JSON, told apart as every other answer's (a copy of exchange's
            // rule: changing exchange would change every other bundle, #17).
            let status = response.status();
            let text = JsFuture::from(response.text().map_err(net)?).await.map_err(net)?.as_string().unwrap_or_default();
            return Err(match shared::wire::from_json::<ErrorBody>(&text) {
                Ok(e) if status != 401 || e.error.code == "deactivated" => Failure::Api { status, code: e.error.code, message: e.error.message, details: e.error.details },
                _ if status == 401 => Failure::Unauthorized,
                _ => Failure::Api { status, code: "http".into(), message: format!("HTTP {status}"), details: None },
            });
        }
        JsFuture::from(response.blob().map_err(net)?).await.map_err(net)?.dyn_into().map_err(net)
    }

    /// The request of [`Client::exchange`] (its method, URL and headers) again with the
    /// file as its body and the file's media type; unchanged when there is no file.
    fn with_file(&self, request: Request) -> Result<Request, Failure> {
        let Some((file, media_type)) = &self.file else { return Ok(request) };
        let net = |_: wasm_bindgen::JsValue| Failure::Network;
        request.headers().set("content-type", media_type).map_err(net)?;
        let init = RequestInit::new();
        init.set_body(file);
        Request::new_with_request_and_init(&request, &init).map_err(net)
    }
}
