// Names of the object identifiers certificates carry, as tshark 4.0 prints them after an OID
// (`1.2.840.113549.1.1.11 (sha256WithRSAEncryption)`), and its fallback for an unnamed one: the
// name of its deepest named ancestor followed by the remaining arcs (`iso.3.6.1.4.1.11129.2.5.1`).

const NAMES: Record<string, string> = {
  '0': 'itu-t',
  '1': 'iso',
  '2': 'joint-iso-itu-t',
  '1.3.6.1.5.5.7': 'id-pkix',
  // Attribute types (X.520, PKCS #9, RFC 4519, CA/B EV).
  '2.5.4.3': 'id-at-commonName',
  '2.5.4.4': 'id-at-surname',
  '2.5.4.5': 'id-at-serialNumber',
  '2.5.4.6': 'id-at-countryName',
  '2.5.4.7': 'id-at-localityName',
  '2.5.4.8': 'id-at-stateOrProvinceName',
  '2.5.4.9': 'id-at-streetAddress',
  '2.5.4.10': 'id-at-organizationName',
  '2.5.4.11': 'id-at-organizationalUnitName',
  '2.5.4.12': 'id-at-title',
  '2.5.4.13': 'id-at-description',
  '2.5.4.15': 'id-at-businessCategory',
  '2.5.4.17': 'id-at-postalCode',
  '2.5.4.18': 'id-at-postOfficeBox',
  '2.5.4.41': 'id-at-name',
  '2.5.4.42': 'id-at-givenName',
  '2.5.4.43': 'id-at-initials',
  '2.5.4.44': 'id-at-generationQualifier',
  '2.5.4.45': 'id-at-uniqueIdentifier',
  '2.5.4.46': 'id-at-dnQualifier',
  '2.5.4.65': 'id-at-pseudonym',
  '1.2.840.113549.1.9.1': 'pkcs-9-at-emailAddress',
  '0.9.2342.19200300.100.1.1': 'id-userid',
  '0.9.2342.19200300.100.1.25': 'dc',
  '1.3.6.1.4.1.311.60.2.1.1': 'jurisdictionOfIncorporationLocalityName',
  '1.3.6.1.4.1.311.60.2.1.2': 'jurisdictionOfIncorporationStateOrProvinceName',
  '1.3.6.1.4.1.311.60.2.1.3': 'jurisdictionOfIncorporationCountryName',
  // Algorithms.
  '1.2.840.113549.1.1.1': 'rsaEncryption',
  '1.2.840.113549.1.1.2': 'md2WithRSAEncryption',
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.10': 'id-RSASSA-PSS',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.113549.1.1.14': 'sha224WithRSAEncryption',
  '1.2.840.10040.4.1': 'id-dsa',
  '1.2.840.10040.4.3': 'id-dsa-with-sha1',
  '2.16.840.1.101.3.4.3.1': 'id-dsa-with-sha224',
  '2.16.840.1.101.3.4.3.2': 'id-dsa-with-sha256',
  '1.2.840.10045.2.1': 'id-ecPublicKey',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10045.4.3.1': 'ecdsa-with-SHA224',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.2.840.10045.3.1.7': 'secp256r1',
  '1.3.132.0.34': 'secp384r1',
  '1.3.132.0.35': 'secp521r1',
  // Certificate extensions (RFC 5280 and friends).
  '2.5.29.9': 'id-ce-subjectDirectoryAttributes',
  '2.5.29.14': 'id-ce-subjectKeyIdentifier',
  '2.5.29.15': 'id-ce-keyUsage',
  '2.5.29.16': 'id-ce-privateKeyUsagePeriod',
  '2.5.29.17': 'id-ce-subjectAltName',
  '2.5.29.18': 'id-ce-issuerAltName',
  '2.5.29.19': 'id-ce-basicConstraints',
  '2.5.29.20': 'id-ce-cRLNumber',
  '2.5.29.21': 'id-ce-reasonCode',
  '2.5.29.30': 'id-ce-nameConstraints',
  '2.5.29.31': 'id-ce-cRLDistributionPoints',
  '2.5.29.32': 'id-ce-certificatePolicies',
  '2.5.29.32.0': 'anyPolicy',
  '2.5.29.33': 'id-ce-policyMappings',
  '2.5.29.35': 'id-ce-authorityKeyIdentifier',
  '2.5.29.36': 'id-ce-policyConstraints',
  '2.5.29.37': 'id-ce-extKeyUsage',
  '2.5.29.46': 'id-ce-freshestCRL',
  '2.5.29.54': 'id-ce-inhibitAnyPolicy',
  '1.3.6.1.5.5.7.1.1': 'id-pe-authorityInfoAccess',
  '1.3.6.1.5.5.7.1.24': 'id-pe-tlsfeature',
  '1.3.6.1.5.5.7.48.1.5': 'id-pkix-ocsp-nocheck',
  '1.3.6.1.4.1.11129.2.4.2': 'SignedCertificateTimestampList',
  '2.16.840.1.113730.1.1': 'ns_cert_exts.cert_type',
  '2.16.840.1.113730.1.2': 'ns_cert_exts.base_url',
  '2.16.840.1.113730.1.3': 'ns_cert_exts.revocation_url',
  '2.16.840.1.113730.1.4': 'ns_cert_exts.ca_revocation_url',
  '2.16.840.1.113730.1.7': 'ns_cert_exts.cert_renewal_url',
  '2.16.840.1.113730.1.8': 'ns_cert_exts.ca_policy_url',
  '2.16.840.1.113730.1.12': 'ns_cert_exts.ssl_server_name',
  '2.16.840.1.113730.1.13': 'ns_cert_exts.comment',
  // Key purposes, access methods, policy qualifiers, other names.
  '1.3.6.1.5.5.7.3.1': 'id-kp-serverAuth',
  '1.3.6.1.5.5.7.3.2': 'id-kp-clientAuth',
  '1.3.6.1.5.5.7.3.3': 'id-kp-codeSigning',
  '1.3.6.1.5.5.7.3.4': 'id-kp-emailProtection',
  '1.3.6.1.5.5.7.3.8': 'id-kp-timeStamping',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
  '1.3.6.1.5.5.7.48.1': 'id-ad-ocsp',
  '1.3.6.1.5.5.7.48.2': 'id-ad-caIssuers',
  '1.3.6.1.5.5.7.2.1': 'id-qt-cps',
  '1.3.6.1.5.5.7.2.2': 'id-qt-unotice',
  '1.3.6.1.4.1.311.20.2.3': 'id-ms-user-principal-name',
};

/** The OID's own name, or '' when it has none. */
export function oidName(oid: string): string {
  return NAMES[oid] ?? '';
}

/** What tshark shows in parentheses after an OID: its name, or its named ancestor and the rest. */
export function oidResolved(oid: string): string {
  const own = NAMES[oid];
  if (own !== undefined) return own;
  let cut = oid.lastIndexOf('.');
  while (cut > 0) {
    const name = NAMES[oid.slice(0, cut)];
    if (name !== undefined) return name + oid.slice(cut);
    cut = oid.lastIndexOf('.', cut - 1);
  }
  return oid;
}
