package dev.cairn.agent.pki;

import dev.cairn.agent.config.AgentConfig.TlsConfig;
import dev.cairn.storeapi.pki.Pem;
import dev.cairn.storeapi.pki.PkiException;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The client side of the agent's mutual TLS to the appliance, one context for everything that talks to it:
 * the relay's remote write, the heartbeat, block uploads through the appliance.
 */
public final class ApplianceTls {
    private ApplianceTls() {
    }

    /** Client certificate and trusted CA for mutual TLS, from the PEM files the agent holds. */
    public static SSLContext sslContext(TlsConfig tls) throws IOException {
        try {
            List<X509Certificate> chain = Pem.readCertificates(tls.certFile());
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("agent", Pem.readPrivateKey(tls.keyFile()), new char[0],
                    chain.toArray(new X509Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, new char[0]);
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            int i = 0;
            for (X509Certificate ca : Pem.readCertificates(tls.caFile())) {
                ts.setCertificateEntry("ca" + i++, ca);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ts);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (PkiException | GeneralSecurityException e) {
            throw new IOException("cannot set up mutual TLS to the appliance from " + tls.certFile() + ", "
                    + tls.keyFile() + " and " + tls.caFile() + ": " + e.getMessage(), e);
        }
    }
}
