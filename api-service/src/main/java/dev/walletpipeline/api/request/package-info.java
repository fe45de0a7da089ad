/**
 * What any request may weigh before it is read: a bounded body, and JSON of bounded
 * nesting and string length.
 */
@NullMarked
package dev.walletpipeline.api.request;

import org.jspecify.annotations.NullMarked;
