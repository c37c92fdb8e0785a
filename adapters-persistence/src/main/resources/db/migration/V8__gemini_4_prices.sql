-- Gemini 4 standard-tier prices (GEMINI-API.md, "Models, limits, prices"), in integer micro-dollars per 1,000,000
-- tokens, in the model_prices table of V3 (a row applies from effective_from until the next row of the same model).
-- Output rates include thinking tokens (usageMetadata.thoughtsTokenCount). Neither model has a long-context tier:
-- gemini-4-hydrogen is flat across its 1M context, and gemini-4-argon's source gives none.
--
-- gemini-4-argon: 2.00 input / 10.00 output / 0.10 cached input "until 2026-11-30", then 4.00 / 20.00 / 0.20 "from
-- 2026-12-01". The change is stored as a second row from 2026-12-01T00:00Z: UTC midnight is assumed, as V3 assumed it
-- for gemini-3.8-flash. A call is priced at the row in force when it is admitted.
-- gemini-4-hydrogen: 1.50 input / 7.50 output; the source gives no cached-input rate, so it is 10% of the input rate
-- (0.15), V3's assumption until Google's figure is entered.
-- The first rows are in force from 2025-01-01T00:00Z like V3's seed: a price row before a model's release prices
-- nothing, and the source gives hydrogen no release date.
INSERT INTO model_prices (model, effective_from,
                          input_micros_per_million, output_micros_per_million, cached_input_micros_per_million,
                          long_prompt_threshold_tokens, long_prompt_input_micros_per_million,
                          long_prompt_output_micros_per_million, long_prompt_cached_micros_per_million)
VALUES
    ('gemini-4-argon',    '2025-01-01T00:00:00Z', 2000000, 10000000, 100000, NULL, NULL, NULL, NULL),
    ('gemini-4-argon',    '2026-12-01T00:00:00Z', 4000000, 20000000, 200000, NULL, NULL, NULL, NULL),
    ('gemini-4-hydrogen', '2025-01-01T00:00:00Z', 1500000,  7500000, 150000, NULL, NULL, NULL, NULL);
