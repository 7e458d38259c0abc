/* mbedTLS's configuration for sel4::tls (MBEDTLS_CONFIG_FILE): a TLS 1.2 server with ECDHE-ECDSA
 * and ECDHE-RSA key exchanges, AES-GCM and ChaCha20-Poly1305 records, X.509 certificates and
 * keys in PEM. No files, sockets, clocks or platform entropy: the caller's transport moves the
 * bytes, the caller's seed feeds CTR_DRBG, and certificate dates are not checked (no
 * MBEDTLS_HAVE_TIME_DATE). The host build (SEL4_TLS_HOST) adds the client, for the tests, and
 * the platform's calloc/free hook, through which the tests count a session's memory. */
#ifndef SEL4_TLS_CONFIG_H
#define SEL4_TLS_CONFIG_H

/* System support: inline assembly for bignum multiplication where bn_mul.h has it. */
#define MBEDTLS_HAVE_ASM
#define MBEDTLS_NO_PLATFORM_ENTROPY

/* Protocol: TLS 1.2 over a stream, server side (and client side on the host). */
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_SRV_C
#if defined(SEL4_TLS_HOST)
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY
#endif
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED
/* Browsers send full 16 KiB records; the server's own records are at most 4 KiB of content. */
#define MBEDTLS_SSL_IN_CONTENT_LEN 16384
#define MBEDTLS_SSL_OUT_CONTENT_LEN 4096
/* The suites, in the server's order of preference. */
#define MBEDTLS_SSL_CIPHERSUITES                                                                      \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, \
        MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,                                      \
        MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, \
        MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256

/* Ciphers and hashes. AES's tables are constant data rather than built at run time. */
#define MBEDTLS_CIPHER_C
#define MBEDTLS_AES_C
#define MBEDTLS_AES_ROM_TABLES
#define MBEDTLS_GCM_C
#define MBEDTLS_CHACHA20_C
#define MBEDTLS_POLY1305_C
#define MBEDTLS_CHACHAPOLY_C
#define MBEDTLS_MD_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA512_C
#define MBEDTLS_CTR_DRBG_C
/* CTR_DRBG's entropy is only what the caller gives (ServerConfig::create, reseed): it must not
 * ask for more by itself after mbedTLS's default of 10,000 requests (a few hundred handshakes).
 * 2^30 requests, well within SP 800-90A's 2^48 for CTR_DRBG; ServerConfig::reseed restarts the
 * count. */
#define MBEDTLS_CTR_DRBG_RESEED_INTERVAL (1 << 30)

/* Public keys: elliptic curves and RSA (PKCS#1 v1.5 signatures, as TLS 1.2 uses them). */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
#define MBEDTLS_ECP_DP_CURVE25519_ENABLED
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_RSA_C
#define MBEDTLS_PKCS1_V15

/* Certificates and keys: X.509, PEM, PKCS#8 and SEC1/PKCS#1 keys. */
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_OID_C
#define MBEDTLS_BASE64_C
#define MBEDTLS_PEM_PARSE_C
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C

#include "mbedtls/check_config.h"

#endif /* SEL4_TLS_CONFIG_H */
