//! Input helpers: JSON bodies with French errors, form field parsing.

use std::collections::BTreeMap;

use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::saisie::{Champs, CorpsJson};
use crate::AppError;

/// `Json<T>` whose rejections are French 400/415/422 errors in the API format. `T` lists its
/// text fields: each value is checked against its maximum ([`crate::saisie`]) before `T` is
/// built.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned + Champs, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(mut req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if !is_json {
            return Err(AppError::BadRequest(
                "Le corps de la requête doit être du JSON (Content-Type: application/json).".into(),
            ));
        }
        // Read and checked for control characters by the boundary layer, or read here.
        let value = match req.extensions_mut().remove::<CorpsJson>() {
            Some(CorpsJson(v)) => v,
            None => {
                let bytes = axum::body::to_bytes(req.into_body(), 2 * 1024 * 1024)
                    .await
                    .map_err(|_| {
                        AppError::BadRequest(
                            "Le corps de la requête est illisible ou dépasse 2 Mo.".into(),
                        )
                    })?;
                serde_json::from_slice::<serde_json::Value>(&bytes).map_err(|e| json_error(&e))?
            }
        };
        crate::saisie::verifier_json::<T>(&value)?;
        T::deserialize(value)
            .map(ApiJson)
            .map_err(|e| json_error(&e))
    }
}

/// `Form<T>` for urlencoded bodies: each value is checked against the maxima of `T`'s fields
/// ([`crate::saisie`]) before `T` is built; rejections are French.
pub struct Form<T>(pub T);

impl<T: DeserializeOwned + Champs, S: Send + Sync> FromRequest<S> for Form<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let is_form = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(AppError::UnsupportedMedia(
                "Le formulaire doit être envoyé en application/x-www-form-urlencoded.".into(),
            ));
        }
        let bytes = axum::body::to_bytes(req.into_body(), 2 * 1024 * 1024)
            .await
            .map_err(|_| AppError::TooLarge(crate::limites::FORMULAIRE_TROP_GRAND.into()))?;
        let paires: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes)
            .map_err(|_| AppError::BadRequest("Le formulaire est illisible.".into()))?;
        crate::saisie::verifier_paires(&paires, T::CHAMPS, T::CONNEXION)?;
        // A key sent more than once (checkboxes of one name) is read as one value, its
        // values separated by commas (`ids_separes` reads it back as a list), when the form's
        // type does not take the pairs as they come.
        serde_urlencoded::from_bytes(&bytes)
            .ok()
            .or_else(|| {
                let mut jointes: Vec<(String, String)> = Vec::with_capacity(paires.len());
                for (k, v) in paires {
                    match jointes.iter_mut().find(|(j, _)| *j == k) {
                        Some((_, deja)) => {
                            deja.push(',');
                            deja.push_str(&v);
                        }
                        None => jointes.push((k, v)),
                    }
                }
                serde_urlencoded::to_string(&jointes)
                    .ok()
                    .and_then(|b| serde_urlencoded::from_str(&b).ok())
            })
            .map(Form)
            .ok_or_else(|| AppError::Invalid {
                message: "Le contenu envoyé est invalide.".into(),
                fields: BTreeMap::new(),
            })
    }
}

/// A list of ids sent by a form as one value, separated by commas (checkboxes of one name,
/// joined by [`Form`]); a JSON body may send a list.
pub fn ids_separes<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<i64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Ids {
        Liste(Vec<i64>),
        Texte(String),
    }
    match Ids::deserialize(d)? {
        Ids::Liste(v) => Ok(v),
        Ids::Texte(t) => t
            .split(',')
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .map(|x| x.parse().map_err(serde::de::Error::custom))
            .collect(),
    }
}

/// Turns a serde_json error into a French message (syntax → 400, content → 422).
pub fn json_error(e: &serde_json::Error) -> AppError {
    use serde_json::error::Category;
    let msg = e.to_string();
    match e.classify() {
        Category::Syntax | Category::Eof | Category::Io => AppError::BadRequest(format!(
            "Le JSON envoyé est mal formé (ligne {}, colonne {}).",
            e.line(),
            e.column()
        )),
        Category::Data => {
            let field = between(&msg, "missing field `", "`");
            if let Some(f) = field {
                return AppError::field(&f, format!("Le champ « {f} » est obligatoire."));
            }
            if let Some(f) = between(&msg, "unknown field `", "`") {
                return AppError::field(&f, format!("Le champ « {f} » n'est pas reconnu."));
            }
            if let Some(v) = between(&msg, "unknown variant `", "`") {
                return AppError::Invalid {
                    message: format!("La valeur « {v} » n'est pas reconnue."),
                    fields: BTreeMap::new(),
                };
            }
            if msg.starts_with("invalid type") {
                let what = msg
                    .split(',')
                    .next()
                    .unwrap_or("")
                    .replace("invalid type: ", "");
                return AppError::Invalid {
                    message: format!("Un champ n'a pas le bon type ({what})."),
                    fields: BTreeMap::new(),
                };
            }
            AppError::Invalid {
                message: format!("Le contenu envoyé est invalide : {msg}."),
                fields: BTreeMap::new(),
            }
        }
    }
}

fn between(s: &str, start: &str, end: &str) -> Option<String> {
    let i = s.find(start)? + start.len();
    let j = s[i..].find(end)? + i;
    Some(s[i..j].to_string())
}

/// Trims a form value; empty becomes None.
pub fn opt(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// Collects per-field errors while validating a form.
#[derive(Default)]
pub struct Errors(pub BTreeMap<String, String>);

impl Errors {
    /// Adds an error on a field.
    pub fn add(&mut self, field: &str, msg: impl Into<String>) {
        self.0
            .entry(field.to_string())
            .or_insert_with(|| msg.into());
    }

    /// The code chosen in `field` (`value`), read by `from_code`; `msg` on the field when
    /// none was chosen or it is unknown.
    pub fn choix<T>(
        &mut self,
        field: &str,
        value: &Option<String>,
        from_code: impl Fn(&str) -> Option<T>,
        msg: &str,
    ) -> Option<T> {
        let v = value.as_deref().and_then(from_code);
        if v.is_none() {
            self.add(field, msg);
        }
        v
    }

    /// A required text field, trimmed, at most `max` characters.
    pub fn required(&mut self, field: &str, label: &str, value: &str, max: usize) -> String {
        let v = value.trim().to_string();
        if v.is_empty() {
            self.add(field, format!("Le champ « {label} » est obligatoire."));
        } else if v.chars().count() > max {
            self.add(
                field,
                format!("Le champ « {label} » ne peut dépasser {max} caractères."),
            );
        }
        v
    }

    /// A required coded value (FINESS…) checked by `parse`: its normalised text, or an empty
    /// string with the parser's French message noted on `field`.
    pub fn parsed<T: std::fmt::Display, E: std::fmt::Display>(
        &mut self,
        field: &str,
        value: &str,
        parse: impl Fn(&str) -> Result<T, E>,
    ) -> String {
        match parse(value) {
            Ok(v) => v.to_string(),
            Err(m) => {
                self.add(field, m.to_string());
                String::new()
            }
        }
    }

    /// An optional coded value (SIREN, RPPS…): None when empty, else as [`Errors::parsed`].
    pub fn parsed_opt<T: std::fmt::Display, E: std::fmt::Display>(
        &mut self,
        field: &str,
        value: &Option<String>,
        parse: impl Fn(&str) -> Result<T, E>,
    ) -> Option<String> {
        let v = opt(value)?;
        Some(self.parsed(field, &v, parse)).filter(|s| !s.is_empty())
    }

    /// Ok when no error was found, else 422 with the fields.
    pub fn finish(self) -> Result<(), AppError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::fields(self.0))
        }
    }

    /// The refusals of the rules (the domain's `(field, message)`) added to the form's
    /// (a field keeps its first message): `v` when there is none, else the 422 naming every
    /// field.
    pub fn finir_avec<T>(
        mut self,
        regles: Vec<(&'static str, String)>,
        v: T,
    ) -> Result<T, AppError> {
        for (champ, m) in regles {
            self.add(champ, m);
        }
        self.finish()?;
        Ok(v)
    }
}

/// Parses an optional positive integer form field.
pub fn opt_int(
    errors: &mut Errors,
    field: &str,
    label: &str,
    value: &Option<String>,
) -> Option<i64> {
    let v = opt(value)?;
    match v.parse::<i64>() {
        Ok(n) if n >= 0 => Some(n),
        _ => {
            errors.add(
                field,
                format!("Le champ « {label} » doit être un nombre entier positif."),
            );
            None
        }
    }
}

/// Accepts a JSON number or string (forms send strings, API clients numbers).
pub fn string_or_number<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<String>, D::Error> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum V {
        S(String),
        N(i64),
        F(f64),
    }
    Ok(match Option::<V>::deserialize(d)? {
        Some(V::S(s)) => Some(s),
        Some(V::N(n)) => Some(n.to_string()),
        Some(V::F(f)) => Some(f.to_string()),
        None => None,
    })
}

/// Accepts a JSON boolean or a form string ("oui"/"non").
pub fn string_or_bool<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum V {
        S(String),
        B(bool),
    }
    Ok(match Option::<V>::deserialize(d)? {
        Some(V::S(s)) => Some(s),
        Some(V::B(b)) => Some(if b { "oui".into() } else { "non".into() }),
        None => None,
    })
}
