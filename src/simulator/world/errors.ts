/** How a simulated execution fails: the models host's error classifications and their messages. */
export const errorClassifications = [
  'content_moderation',
  'execution_timeout',
  'invalid_user_input',
  'invalid_model_config',
  'provider_auth',
  'provider_error',
  'provider_rate_limit',
  'provider_unavailable',
  'internal_error',
  'unknown',
] as const;
export type ErrorClassification = (typeof errorClassifications)[number];

export const errorMessages: Readonly<Record<ErrorClassification, string>> = {
  content_moderation: 'Content flagged by the provider safety filter',
  execution_timeout: 'Model timeout after 30s',
  invalid_user_input: 'Invalid input: prompt must not be empty',
  invalid_model_config: "Invalid model configuration: unsupported aspect_ratio '21:9'",
  provider_auth: 'Provider rejected the credentials (401)',
  provider_error: 'Provider returned an internal error',
  provider_rate_limit: 'Provider rate limit exceeded, retries exhausted',
  provider_unavailable: 'Provider temporarily unavailable (503)',
  internal_error: 'Internal error while processing the prediction',
  unknown: 'Prediction failed for an unknown reason',
};

export interface ErrorFact {
  readonly classification: ErrorClassification;
  readonly message: string;
}
