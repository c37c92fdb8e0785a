package dev.gemgate.emulator;

import com.google.genai.Client;
import com.google.genai.types.Content;
import com.google.genai.types.CreateCachedContentConfig;
import com.google.genai.types.Part;

/** A cache of {@link GenAiSdkCachesTest#LONG_TOKENS} tokens on gemini-2.5-flash, for other tests. */
final class GenAiSdkCachesTestSupport {
    private GenAiSdkCachesTestSupport() {
    }

    static String createCache(Client sdk) {
        return sdk.caches.create("gemini-2.5-flash", CreateCachedContentConfig.builder()
                .contents(Content.builder().role("user").parts(Part.fromText(GenAiSdkCachesTest.LONG_TEXT)).build())
                .build()).name().orElseThrow();
    }
}
