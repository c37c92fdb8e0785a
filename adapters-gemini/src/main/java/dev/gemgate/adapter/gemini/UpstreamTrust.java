package dev.gemgate.adapter.gemini;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Upstream TLS trust: the JDK's certificate authorities plus the operator's extra ones
 * ({@link GenAiSettings#extraTrustedCertificates()}), in one trust store, the way okhttp-tls'
 * {@code addPlatformTrustedCertificates()} does it. Validation (chain, expiry) stays the JDK's PKIX, and OkHttp still
 * verifies the hostname.
 */
record UpstreamTrust(SSLSocketFactory socketFactory, X509TrustManager trustManager) {

    static UpstreamTrust jdkDefaultPlus(List<X509Certificate> extra) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            X509Certificate[] jdk = trustManager(null).getAcceptedIssuers();
            for (int i = 0; i < jdk.length; i++) {
                store.setCertificateEntry("jdk-" + i, jdk[i]);
            }
            for (int i = 0; i < extra.size(); i++) {
                store.setCertificateEntry("extra-" + i, extra.get(i));
            }
            X509TrustManager trust = trustManager(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[]{trust}, null);
            return new UpstreamTrust(context.getSocketFactory(), trust);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the upstream TLS trust store", e);
        }
    }

    /** The default algorithm's trust manager over {@code store} (null: the JDK's cacerts). */
    private static X509TrustManager trustManager(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new IllegalStateException("the JDK offers no X509TrustManager");
    }
}
