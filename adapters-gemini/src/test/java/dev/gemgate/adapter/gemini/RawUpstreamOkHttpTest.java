package dev.gemgate.adapter.gemini;

/** {@link RawUpstreamTest}'s replies through the SDK's own OkHttp client ({@link GenAiSettings.Transport#OKHTTP}). */
class RawUpstreamOkHttpTest extends RawUpstreamTest {
    @Override
    GenAiGenerationAdapter newAdapter() {
        return new GenAiGenerationAdapter(GenAiSettings.defaults().withTransport(GenAiSettings.Transport.OKHTTP));
    }
}
