package io.strongroom.vault.local.tls;

import io.strongroom.crypto.TlsPolicy;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed TLS server certificate made with BouncyCastle's PKIX API, valid for the loopback
 * names clients use: SAN IP 127.0.0.1 and DNS localhost (plus the configured host when it is
 * neither). EC P-256 keeps generation fast; the signature and key come from the JDK's providers.
 */
public record SelfSignedCertificate(String certificatePem, String privateKeyPem) {

    public static SelfSignedCertificate generate(String host) {
        try {
            KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
            kpg.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair pair = kpg.generateKeyPair();
            Instant now = Instant.now();
            X500Name subject = new X500Name("CN=Strongroom local-vault");
            BigInteger serial = new BigInteger(127, new SecureRandom());
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    subject,
                    serial,
                    Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(TlsPolicy.MAX_CERTIFICATE_LIFETIME)),
                    subject,
                    pair.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false, subjectAltNames(host));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(
                    Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate());
            X509CertificateHolder cert = builder.build(signer);
            // PKCS#8 ("PRIVATE KEY"): the form every TLS stack reads, Vert.x's PEM options included.
            return new SelfSignedCertificate(pem(cert), pem(new JcaPKCS8Generator(pair.getPrivate(), null)));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot generate the self-signed certificate", e);
        }
    }

    private static GeneralNames subjectAltNames(String host) {
        GeneralName ip = new GeneralName(GeneralName.iPAddress, "127.0.0.1");
        GeneralName dns = new GeneralName(GeneralName.dNSName, "localhost");
        if (host == null || host.equals("127.0.0.1") || host.equals("localhost") || host.equals("0.0.0.0")) {
            return new GeneralNames(new GeneralName[] {ip, dns});
        }
        boolean numeric = host.chars().allMatch(c -> Character.isDigit(c) || c == '.' || c == ':');
        GeneralName extra = new GeneralName(numeric ? GeneralName.iPAddress : GeneralName.dNSName, host);
        return new GeneralNames(new GeneralName[] {ip, dns, extra});
    }

    private static String pem(Object object) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString();
    }

    /** Only the certificate: the private key stays out of logs. */
    @Override
    public String toString() {
        return "SelfSignedCertificate[" + certificatePem.length() + " chars of certificate PEM]";
    }
}
