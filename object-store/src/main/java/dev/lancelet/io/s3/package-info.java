/**
 * Amazon S3 (and S3-compatible servers) as an {@link dev.lancelet.io.ObjectStore}, on the AWS SDK
 * for Java v2 with its asynchronous Netty client. Entry points: {@link
 * dev.lancelet.io.s3.S3ObjectStore#connect(String, java.util.Map)} and {@link
 * dev.lancelet.io.ObjectStores#forFolder(String, java.util.Map)} for {@code s3://bucket/prefix}
 * URIs; options are described on {@link dev.lancelet.io.s3.S3Options}.
 */
package dev.lancelet.io.s3;
