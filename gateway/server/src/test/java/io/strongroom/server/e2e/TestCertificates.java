package io.strongroom.server.e2e;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificates made for a test with BouncyCastle PKIX: a CA, a server certificate for 127.0.0.1, client certificates. */
final class TestCertificates {

    /** A key pair and its certificate. */
    record Issued(KeyPair keys, X509Certificate certificate) {
        void writePem(Path certFile, Path keyFile) throws IOException {
            Files.writeString(certFile, pem(certificate));
            Files.writeString(keyFile, pem(new JcaPKCS8Generator(keys.getPrivate(), null).generate()));
        }
    }

    private TestCertificates() {}

    static Issued ca(String name) throws Exception {
        KeyPair keys = rsa();
        return new Issued(
                keys,
                sign(new X500Name("CN=" + name), keys, new X500Name("CN=" + name), keys.getPrivate(), true, false));
    }

    /** A certificate for the loopback address (IP 127.0.0.1, DNS localhost) signed by {@code issuer}. */
    static Issued server(Issued issuer) throws Exception {
        KeyPair keys = rsa();
        return new Issued(
                keys,
                sign(
                        new X500Name("CN=127.0.0.1"),
                        keys,
                        x500(issuer),
                        issuer.keys().getPrivate(),
                        false,
                        true));
    }

    static Issued client(Issued issuer, String name) throws Exception {
        KeyPair keys = rsa();
        return new Issued(
                keys,
                sign(
                        new X500Name("CN=" + name),
                        keys,
                        x500(issuer),
                        issuer.keys().getPrivate(),
                        false,
                        false));
    }

    /** A client context trusting {@code trusted}, presenting {@code identity} when not null. */
    static SSLContext clientContext(X509Certificate trusted, Issued identity) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("trusted", trusted);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (identity != null) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry(
                    "me", identity.keys().getPrivate(), new char[0], new X509Certificate[] {identity.certificate()});
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, new char[0]);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
        return context;
    }

    static String pem(Object object) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString();
    }

    private static X500Name x500(Issued issuer) {
        return new X500Name(issuer.certificate().getSubjectX500Principal().getName());
    }

    private static KeyPair rsa() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    private static X509Certificate sign(
            X500Name subject,
            KeyPair subjectKeys,
            X500Name issuer,
            PrivateKey issuerKey,
            boolean ca,
            boolean loopbackServer)
            throws IOException, OperatorCreationException, GeneralSecurityException {
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                issuer,
                new BigInteger(64, new SecureRandom()),
                Date.from(now.minus(Duration.ofMinutes(5))),
                Date.from(now.plus(Duration.ofDays(1))),
                subject,
                subjectKeys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (loopbackServer) {
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")
            }));
        }
        return new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuerKey)));
    }
}
