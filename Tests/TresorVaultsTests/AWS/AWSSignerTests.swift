import Foundation
import Testing

@testable import TresorVaults

/// SigV4 against AWS's published Signature Version 4 test suite (`aws4_testsuite`, the
/// `get-vanilla`, `post-vanilla`, `get-vanilla-query-order-key-case`,
/// `get-header-value-trim` and `post-sts-token/post-sts-header-before` cases): the
/// canonical requests, strings to sign and signatures below are the suite's own.
@Suite("SigV4 signing")
struct AWSSignerTests {
    static let signer = AWSSigner(region: "us-east-1", service: "service")
    static let keys = AWSSigner.Credentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    /// 2015-08-30T12:36:00Z, the suite's date.
    static let date = Date(timeIntervalSince1970: 1_440_938_160)
    static let host = [(name: "Host", value: "example.amazonaws.com")]
    static let emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    @Test func getVanillaMatchesTheSuite() {
        let signed = Self.signer.sign(method: "GET", path: "/", headers: Self.host, payload: [], credentials: Self.keys, date: Self.date)
        #expect(signed.canonicalRequest == "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n\(Self.emptyHash)")
        #expect(
            signed.stringToSign
                == "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63")
        #expect(signed.signature == "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
        #expect(
            signed.authorization
                == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
        #expect(signed.headers.contains { $0.name == "X-Amz-Date" && $0.value == "20150830T123600Z" })
        #expect(!signed.headers.contains { $0.name == "X-Amz-Security-Token" })
    }

    @Test func postVanillaMatchesTheSuite() {
        let signed = Self.signer.sign(method: "POST", path: "/", headers: Self.host, payload: [], credentials: Self.keys, date: Self.date)
        #expect(
            signed.stringToSign
                == "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n553f88c9e4d10fc9e109e2aeb65f030801b70c2f6468faca261d401ae622fc87")
        #expect(signed.signature == "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b")
    }

    @Test func queryPairsAreSortedAsTheSuiteSorts() {
        let signed = Self.signer.sign(
            method: "GET", path: "/", query: "Param2=value2&Param1=value1", headers: Self.host, payload: [], credentials: Self.keys,
            date: Self.date)
        #expect(signed.canonicalRequest.hasPrefix("GET\n/\nParam1=value1&Param2=value2\n"))
        #expect(signed.signature == "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500")
    }

    @Test func headerValuesAreTrimmedAsTheSuiteTrims() {
        let headers = Self.host + [(name: "My-Header1", value: " value1"), (name: "My-Header2", value: " \"a   b   c\"")]
        let signed = Self.signer.sign(method: "GET", path: "/", headers: headers, payload: [], credentials: Self.keys, date: Self.date)
        #expect(signed.canonicalRequest.contains("my-header1:value1\nmy-header2:\"a b c\"\n"))
        #expect(signed.signature == "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736")
    }

    @Test func sessionTokenIsSentAndSignedAsTheSuiteSignsIt() {
        let token =
            "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA=="
        var keys = Self.keys
        keys.sessionToken = token
        let signed = Self.signer.sign(method: "POST", path: "/", headers: Self.host, payload: [], credentials: keys, date: Self.date)
        #expect(
            signed.stringToSign
                == "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nc237e1b440d4c63c32ca95b5b99481081cb7b13c7e40434868e71567c1a882f6")
        #expect(signed.signature == "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead")
        #expect(signed.authorization.contains("SignedHeaders=host;x-amz-date;x-amz-security-token,"))
        #expect(signed.headers.contains { $0.name == "X-Amz-Security-Token" && $0.value == token })
    }

    @Test func secretsManagerCallsSignTheTargetAndContentType() {
        let headers = [
            (name: "Host", value: "127.0.0.1:5000"), (name: "Content-Type", value: "application/x-amz-json-1.1"),
            (name: "X-Amz-Target", value: "secretsmanager.ListSecrets"),
        ]
        let signer = AWSSigner(region: "eu-west-1", service: "secretsmanager")
        let signed = signer.sign(method: "POST", path: "/", headers: headers, payload: Array("{}".utf8), credentials: Self.keys, date: Self.date)
        #expect(signed.authorization.contains("/20150830/eu-west-1/secretsmanager/aws4_request,"))
        #expect(signed.authorization.contains("SignedHeaders=content-type;host;x-amz-date;x-amz-target,"))
        // Another body, another signature: the payload hash is signed.
        let other = signer.sign(method: "POST", path: "/", headers: headers, payload: Array("{ }".utf8), credentials: Self.keys, date: Self.date)
        #expect(other.signature != signed.signature)
    }
}
