package io.strongroom.nbd;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
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
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificates made for the TLS tests with BouncyCastle: a CA, a server certificate for 127.0.0.1, client ones. */
final class TlsMaterial {
    /** A key pair and its certificate. */
    record Issued(KeyPair keys, X509Certificate certificate) {
        String certificatePem() throws IOException {
            return pem(certificate);
        }

        String privateKeyPem() throws IOException {
            return pem(new JcaPKCS8Generator(keys.getPrivate(), null).generate());
        }

        /** As GnuTLS's x509 directory layout wants them (libnbd's tls-certificates): PREFIX-cert.pem, -key.pem. */
        void writeTo(Path dir, String prefix) throws IOException {
            Files.writeString(dir.resolve(prefix + "-cert.pem"), certificatePem());
            Files.writeString(dir.resolve(prefix + "-key.pem"), privateKeyPem());
        }
    }

    private TlsMaterial() {}

    static Issued ca(String name) throws Exception {
        KeyPair keys = rsa();
        X500Name subject = new X500Name("CN=" + name);
        return new Issued(keys, sign(subject, keys, subject, keys, true, false));
    }

    static Issued server(Issued ca) throws Exception {
        KeyPair keys = rsa();
        return new Issued(keys, sign(new X500Name("CN=127.0.0.1"), keys, name(ca), ca.keys(), false, true));
    }

    static Issued client(Issued ca, String commonName) throws Exception {
        KeyPair keys = rsa();
        return new Issued(keys, sign(new X500Name("CN=" + commonName), keys, name(ca), ca.keys(), false, false));
    }

    /** A client context trusting {@code ca}, presenting {@code identity} unless null. */
    static SSLContext clientContext(Issued ca, Issued identity) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca.certificate());
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
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
        return context;
    }

    private static X500Name name(Issued issuer) {
        return new X500Name(issuer.certificate().getSubjectX500Principal().getName());
    }

    private static String pem(Object object) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString();
    }

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    private static X509Certificate sign(
            X500Name subject, KeyPair subjectKeys, X500Name issuer, KeyPair issuerKeys, boolean ca, boolean server)
            throws Exception {
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                issuer,
                new BigInteger(64, new SecureRandom()),
                Date.from(now.minus(Duration.ofMinutes(5))),
                Date.from(now.plus(Duration.ofDays(1))),
                subject,
                subjectKeys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (server) {
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")
            }));
        }
        return new JcaX509CertificateConverter()
                .getCertificate(
                        builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuerKeys.getPrivate())));
    }
}
