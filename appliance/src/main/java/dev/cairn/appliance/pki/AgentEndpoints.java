package dev.cairn.appliance.pki;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.appliance.web.Routes;
import dev.cairn.appliance.web.WebRequest;
import dev.cairn.appliance.web.WebResponse;
import dev.cairn.storeapi.pki.Csr;
import dev.cairn.storeapi.pki.Pem;
import dev.cairn.storeapi.pki.PkiException;
import java.io.IOException;
import java.io.StringReader;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * The agents' port's certificate endpoints (docs/agent-protocol.md):
 * <ul>
 *   <li>{@code POST /api/v1/agents/enroll} {@code {"token","csr","agent_id","hostname","ip_addresses"?}} → 200
 *       {@code {"certificate","ca","not_after"}}; 401 for a wrong or missing token (nothing is issued), 400 for a
 *       bad request or CSR.
 *   <li>{@code POST /api/v1/agents/renew} {@code {"csr"}} with the client certificate → the same 200 body, for the
 *       caller's own CN and names only.
 *   <li>{@code GET /api/v1/agents/ca} → the CA certificate as PEM; {@code GET /api/v1/agents/crl} → the CRL as PEM.
 * </ul>
 */
public final class AgentEndpoints {
    public static final String ENROLL = "/api/v1/agents/enroll";
    public static final String RENEW = "/api/v1/agents/renew";
    public static final String CA = "/api/v1/agents/ca";
    public static final String CRL = "/api/v1/agents/crl";
    /** The paths that need no client certificate; every other path on the agents' port does. */
    public static final Set<String> OPEN_PATHS = Set.of(ENROLL, CA);

    private static final System.Logger LOG = System.getLogger(AgentEndpoints.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AgentCa ca;
    private final RevocationList crl;
    private final EnrollmentTokens tokens;
    private final Duration lifetime;

    AgentEndpoints(AgentCa ca, RevocationList crl, EnrollmentTokens tokens, Duration lifetime) {
        this.ca = ca;
        this.crl = crl;
        this.tokens = tokens;
        this.lifetime = lifetime;
    }

    void register(Routes routes) {
        routes.add("POST", ENROLL, this::enroll);
        routes.add("POST", RENEW, this::renew);
        routes.add("GET", CA, r -> new WebResponse(200, "application/x-pem-file", ca.certificatePem().getBytes(
                java.nio.charset.StandardCharsets.US_ASCII)));
        routes.add("GET", CRL, r -> {
            try {
                return new WebResponse(200, "application/x-pem-file",
                        crl.pem().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            } catch (PkiException e) {
                throw new IOException("revocation list: " + e.getMessage(), e);
            }
        });
    }

    private WebResponse enroll(WebRequest r) throws IOException {
        JsonNode body;
        try {
            body = JSON.readTree(r.body());
        } catch (IOException e) {
            return badData("the body is not JSON: " + e.getMessage());
        }
        if (body == null || !body.isObject()) {
            return badData("expected a JSON object {\"token\",\"csr\",\"agent_id\",\"hostname\"}");
        }
        // the token first: without a good one nothing else is looked at or said
        EnrollmentTokens.Result t = tokens.check(body.path("token").asText(""));
        if (t != EnrollmentTokens.Result.ACCEPTED) {
            LOG.log(System.Logger.Level.WARNING, "refused an enrollment from {0}: {1}", r.remote(),
                    t == EnrollmentTokens.Result.NONE_CONFIGURED ? "no tokens configured" : "wrong or missing token");
            return WebResponse.error(401, "unauthorized", t == EnrollmentTokens.Result.NONE_CONFIGURED
                    ? "this appliance accepts no enrollments: it has no bootstrap tokens (pki.enrollment_token_file);"
                    + " ask its operator to add one, or give the agent a certificate from its CA"
                    : "wrong or missing enrollment token; use a token from the appliance's"
                    + " pki.enrollment_token_file (appliance.enrollment_token_file on the agent)");
        }
        PKCS10CertificationRequest csr;
        try {
            csr = parseCsr(body.path("csr").asText(""));
        } catch (PkiException e) {
            return badData(e.getMessage());
        }
        String agentId = body.path("agent_id").asText("");
        if (agentId.isEmpty()) {
            agentId = Csr.commonName(csr);
        }
        List<String> ips = new ArrayList<>();
        for (JsonNode ip : body.path("ip_addresses")) {
            ips.add(ip.asText());
        }
        try {
            X509Certificate leaf = ca.issueAgent(csr, agentId, body.path("hostname").asText(""), ips, lifetime);
            LOG.log(System.Logger.Level.INFO, "enrolled agent {0} from {1}: certificate serial {2} until {3}",
                    agentId, r.remote(), leaf.getSerialNumber().toString(16), leaf.getNotAfter().toInstant());
            return issued(leaf);
        } catch (PkiException e) {
            return badData(e.getMessage());
        }
    }

    private WebResponse renew(WebRequest r) throws IOException {
        JsonNode body;
        try {
            body = JSON.readTree(r.body());
        } catch (IOException e) {
            return badData("the body is not JSON: " + e.getMessage());
        }
        PKCS10CertificationRequest csr;
        try {
            csr = parseCsr(body == null ? "" : body.path("csr").asText(""));
        } catch (PkiException e) {
            return badData(e.getMessage());
        }
        String requested = Csr.commonName(csr);
        if (!requested.equals(r.clientId())) {
            return WebResponse.error(403, "forbidden", "the request is for CN \"" + requested + "\" but the client"
                    + " certificate is " + r.clientId() + "'s; an agent renews only its own certificate");
        }
        try {
            X509Certificate leaf = ca.renew(r.clientCertificate(), csr, lifetime);
            LOG.log(System.Logger.Level.INFO, "renewed the certificate of agent {0}: serial {1} until {2}",
                    r.clientId(), leaf.getSerialNumber().toString(16), leaf.getNotAfter().toInstant());
            return issued(leaf);
        } catch (PkiException e) {
            return badData(e.getMessage());
        }
    }

    private WebResponse issued(X509Certificate leaf) throws IOException {
        String json = JSON.writeValueAsString(Map.of(
                "certificate", Pem.toPem(leaf),
                "ca", ca.certificatePem(),
                "not_after", leaf.getNotAfter().toInstant().toString()));
        return WebResponse.json(200, json);
    }

    private static WebResponse badData(String why) {
        return WebResponse.error(400, "bad_data", why);
    }

    static PKCS10CertificationRequest parseCsr(String pem) throws PkiException {
        if (pem.isEmpty()) {
            throw new PkiException("\"csr\" is missing: send a PEM PKCS#10 certificate request");
        }
        try (PEMParser p = new PEMParser(new StringReader(pem))) {
            Object o = p.readObject();
            if (o instanceof PKCS10CertificationRequest csr) {
                Csr.verifiedPublicKey(csr);
                return csr;
            }
            throw new PkiException("\"csr\" holds no PEM CERTIFICATE REQUEST block");
        } catch (IOException | RuntimeException e) {
            throw new PkiException("\"csr\" is not a readable PEM certificate request: " + e.getMessage(), e);
        }
    }
}
