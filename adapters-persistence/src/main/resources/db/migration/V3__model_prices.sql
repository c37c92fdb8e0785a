-- Effective-dated standard-tier prices, in integer micro-dollars per 1,000,000 tokens (1.25 USD = 1250000).
-- A row applies from effective_from until the next row of the same model. When a model has a long-prompt tier,
-- a prompt of more than long_prompt_threshold_tokens tokens bills the whole call at the three long_prompt_* rates.
-- Prices change by inserting a row with a later effective_from (no deploy): PostgresPricingCatalog rereads the table
-- every gemgate.pricing.refresh.

CREATE TABLE model_prices (
    model                                 varchar(100) NOT NULL,
    effective_from                        timestamptz  NOT NULL,
    input_micros_per_million              bigint       NOT NULL,
    output_micros_per_million             bigint       NOT NULL,
    cached_input_micros_per_million       bigint       NOT NULL,
    long_prompt_threshold_tokens          bigint       NULL,
    long_prompt_input_micros_per_million  bigint       NULL,
    long_prompt_output_micros_per_million bigint       NULL,
    long_prompt_cached_micros_per_million bigint       NULL,
    CONSTRAINT model_prices_pk PRIMARY KEY (model, effective_from),
    CONSTRAINT model_prices_rates_not_negative CHECK (input_micros_per_million >= 0
        AND output_micros_per_million >= 0 AND cached_input_micros_per_million >= 0),
    CONSTRAINT model_prices_tier_complete CHECK (
        (long_prompt_threshold_tokens IS NULL AND long_prompt_input_micros_per_million IS NULL
            AND long_prompt_output_micros_per_million IS NULL AND long_prompt_cached_micros_per_million IS NULL)
        OR (long_prompt_threshold_tokens IS NOT NULL AND long_prompt_input_micros_per_million IS NOT NULL
            AND long_prompt_output_micros_per_million IS NOT NULL AND long_prompt_cached_micros_per_million IS NOT NULL
            AND long_prompt_threshold_tokens > 0 AND long_prompt_input_micros_per_million >= 0
            AND long_prompt_output_micros_per_million >= 0 AND long_prompt_cached_micros_per_million >= 0))
);

-- Seed: Gemini standard-tier prices as of late 2026 (GEMINI-API.md, "Models, limits, prices"), in force from
-- 2025-01-01T00:00Z. Output rates include thinking tokens.
-- Cached-input rates: the source gives them only for gemini-2.5-pro (0.31 / 0.625 per 1M); for every other model
-- the cached-input rate here is 10% of its input rate (an assumption until Google's figure is entered).
-- gemini-2.5-flash charges 1.00 for audio input; the catalog has one input rate per model, so text/image/video
-- (0.30) is what is stored. Embedding models have no output tokens (output rate 0).
-- gemini-3.8-flash's price change is stored as a second row from 2027-01-01T00:00Z (the source says "until
-- 2026-12-31, then"; UTC midnight is assumed).
INSERT INTO model_prices (model, effective_from,
                          input_micros_per_million, output_micros_per_million, cached_input_micros_per_million,
                          long_prompt_threshold_tokens, long_prompt_input_micros_per_million,
                          long_prompt_output_micros_per_million, long_prompt_cached_micros_per_million)
VALUES
    ('gemini-2.5-pro',          '2025-01-01T00:00:00Z', 1250000, 10000000, 310000, 200000, 2500000, 15000000, 625000),
    ('gemini-2.5-flash',        '2025-01-01T00:00:00Z',  300000,  2500000,  30000,   NULL,    NULL,     NULL,   NULL),
    ('gemini-2.5-flash-lite',   '2025-01-01T00:00:00Z',  100000,   400000,  10000,   NULL,    NULL,     NULL,   NULL),
    ('gemini-3.1-pro-preview',  '2025-01-01T00:00:00Z', 2000000, 12000000, 200000, 200000, 4000000, 18000000, 400000),
    ('gemini-3.5-flash',        '2025-01-01T00:00:00Z', 1500000,  9000000, 150000,   NULL,    NULL,     NULL,   NULL),
    ('gemini-3.5-flash-lite',   '2025-01-01T00:00:00Z',  300000,  2500000,  30000,   NULL,    NULL,     NULL,   NULL),
    ('gemini-3.6-flash',        '2025-01-01T00:00:00Z', 1500000,  7500000, 150000,   NULL,    NULL,     NULL,   NULL),
    ('gemini-3.8-flash',        '2025-01-01T00:00:00Z',  750000,  3750000,  75000,   NULL,    NULL,     NULL,   NULL),
    ('gemini-3.8-flash',        '2027-01-01T00:00:00Z', 1500000,  7500000, 150000,   NULL,    NULL,     NULL,   NULL),
    ('gemini-embedding-001',    '2025-01-01T00:00:00Z',  150000,        0,  15000,   NULL,    NULL,     NULL,   NULL);
