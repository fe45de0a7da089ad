package dev.walletpipeline.api.caller;

import dev.walletpipeline.api.problem.Problems;
import dev.walletpipeline.api.problem.WalletProblem;
import org.springframework.context.annotation.Bean;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;

/**
 * Stateless: no sessions, no cookies, so no CSRF surface. Open: sign-in, token refresh,
 * our JWKS, health, metrics and the API documentation. Everything else needs a caller;
 * what a caller may do there is decided by {@link Caller#require}. The operator's desk
 * ({@code /ops/}) needs an operator ({@link Caller#operator}).
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    @Bean
    SecurityFilterChain api(HttpSecurity http, CredentialCheck.BearerTokens bearerTokens,
            CredentialCheck.ApiKeys apiKeys) throws Exception {
        return http.csrf(csrf -> csrf.disable())
            .httpBasic(basic -> basic.disable())
            .formLogin(form -> form.disable())
            .logout(logout -> logout.disable())
            .requestCache(cache -> cache.disable())
            .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
            .addFilterBefore(new CallerFilter(bearerTokens, apiKeys), AnonymousAuthenticationFilter.class)
            .authorizeHttpRequests(requests -> requests
                .requestMatchers("/auth/google", "/auth/google/callback", "/auth/refresh", "/auth/logout",
                        "/.well-known/jwks.json", "/actuator/health/**", "/actuator/health", "/actuator/prometheus",
                        "/actuator/info", "/v3/api-docs/**", "/swagger-ui/**", "/swagger-ui.html", "/error")
                .permitAll()
                // The operator's desk: refused before anything of the request is read.
                .requestMatchers("/ops/**")
                .access((authentication, context) -> new AuthorizationDecision(
                        authentication.get().getPrincipal() instanceof Caller caller && caller.operator()))
                .anyRequest()
                .authenticated())
            .exceptionHandling(errors -> errors
                .authenticationEntryPoint((request, response, e) -> Problems.write(response,
                        new WalletProblem(WalletProblem.Kind.UNAUTHENTICATED, "credentials_missing",
                                "send a bearer token (Authorization) or an API key (x-api-key)")))
                .accessDeniedHandler((request, response, e) -> Problems.write(response,
                        request.getRequestURI().startsWith("/ops/") ? new Caller.OperatorOnly()
                                : new WalletProblem(WalletProblem.Kind.FORBIDDEN, "permission_missing",
                                        "not allowed"))))
            .build();
    }

}
