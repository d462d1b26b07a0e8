// Typed reader of the `instamrkt.*` settings: one getter per setting, with the
// documented defaults and bounds applied, so no other module reads raw config.
// It is also the one place that says whether a connection setting is usable,
// with the protocol's own checks, so what is reported and what the connection
// refuses can never disagree; and it reads VS Code's own http.* proxy settings
// for the connection, as VS Code users set them for every extension.
import vscode = require('vscode');
import { Settings } from './ids';
import { checkRestUrl, checkWebSocketUrl, errorMessage, type NetworkOptions, type ProxySupport } from '../protocol';
import type { Endpoints } from '../sources/session';

/** VS Code's settings that change how a connection is routed (read by network). */
const HTTP_SETTINGS = ['proxy', 'noProxy', 'proxyStrictSSL', 'proxyAuthorization', 'proxySupport'].map((key) => `http.${key}`);

export type CloseConfirmation = 'auto' | 'modal' | 'typeName';

export const DEFAULT_SERVER_URL = 'wss://instamrkt.com:9999';
export const DEFAULT_REST_URL = 'https://instamrkt.com';

/** A setting whose value would be refused, and why (fit to show a user). */
export interface SettingProblem {
  /** The full id, e.g. `instamrkt.serverUrl`: what Open Settings searches for. */
  readonly setting: string;
  readonly reason: string;
}

/** The URL settings and the check each must pass. */
const URL_CHECKS = [
  [Settings.serverUrl, checkWebSocketUrl],
  [Settings.restUrl, checkRestUrl],
] as const;

function clamp(value: number, min: number, max: number, fallback: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
}

/** A URL setting as used: the default when unset or blank. */
const urlIn = (c: vscode.WorkspaceConfiguration, key: string, fallback: string): string => c.get<string>(key, fallback).trim() || fallback;
const serverUrlIn = (c: vscode.WorkspaceConfiguration): string => urlIn(c, Settings.serverUrl, DEFAULT_SERVER_URL);
const restUrlIn = (c: vscode.WorkspaceConfiguration): string => urlIn(c, Settings.restUrl, DEFAULT_REST_URL);
const requestTimeoutIn = (c: vscode.WorkspaceConfiguration): number => clamp(c.get<number>(Settings.requestTimeoutSeconds, 30), 1, 600, 30) * 1000;
const keepAliveIn = (c: vscode.WorkspaceConfiguration): number => clamp(c.get<number>(Settings.keepAliveSeconds, 30), 0, 3600, 30) * 1000;

export class Config {
  get #section(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(Settings.section);
  }

  get serverUrl(): string {
    return serverUrlIn(this.#section);
  }

  get restUrl(): string {
    return restUrlIn(this.#section);
  }

  get autoConnect(): boolean {
    return this.#section.get<boolean>(Settings.autoConnect, true);
  }

  get requestTimeoutMs(): number {
    return requestTimeoutIn(this.#section);
  }

  get keepAliveMs(): number {
    return keepAliveIn(this.#section);
  }

  get closeConfirmation(): CloseConfirmation {
    const mode = this.#section.get<string>(Settings.closeConfirmation);
    return mode === 'modal' || mode === 'typeName' ? mode : 'auto';
  }

  get startLocalEmulator(): boolean {
    return this.#section.get<boolean>(Settings.startLocalEmulator, false);
  }

  /** Where and how to connect, as configured (the settings read once: the session asks for this often). */
  get endpoints(): Endpoints {
    const c = this.#section;
    return {
      serverUrl: serverUrlIn(c),
      restUrl: restUrlIn(c),
      requestTimeoutMs: requestTimeoutIn(c),
      keepAliveMs: keepAliveIn(c),
    };
  }

  /**
   * How to route connections: VS Code's http.proxy, http.noProxy,
   * http.proxyStrictSSL, http.proxyAuthorization and http.proxySupport, and
   * the environment (HTTPS_PROXY, NO_PROXY, ...). No `ca`: in VS Code the
   * host's trust store applies (Node's roots, NODE_EXTRA_CA_CERTS and the
   * system certificates VS Code adds), as for every other extension.
   */
  get network(): NetworkOptions {
    const http = vscode.workspace.getConfiguration('http');
    const text = (key: string): string | undefined => {
      const v = http.get<unknown>(key);
      return typeof v === 'string' ? v : undefined;
    };
    const noProxy = http.get<unknown>('noProxy');
    return {
      proxy: {
        proxy: text('proxy'),
        noProxy: Array.isArray(noProxy) ? noProxy.filter((e): e is string => typeof e === 'string') : [],
        strictSSL: http.get<unknown>('proxyStrictSSL') !== false,
        authorization: text('proxyAuthorization'),
        support: text('proxySupport') as ProxySupport | undefined,
      },
      env: process.env,
    };
  }

  /**
   * The connection settings that would be refused (invalid, or plain ws:// /
   * http:// to a host that is not this machine), optionally only those a
   * settings change touched.
   */
  problems(e?: vscode.ConfigurationChangeEvent): SettingProblem[] {
    const c = this.#section;
    const values: Record<(typeof URL_CHECKS)[number][0], string> = { serverUrl: serverUrlIn(c), restUrl: restUrlIn(c) };
    const found: SettingProblem[] = [];
    for (const [key, check] of URL_CHECKS) {
      const setting = `${Settings.section}.${key}`;
      if (e && !e.affectsConfiguration(setting)) continue;
      try {
        check(values[key]);
      } catch (err) {
        found.push({ setting, reason: errorMessage(err) });
      }
    }
    return found;
  }

  /** True when the change touches a setting that needs a new connection (VS Code's proxy settings too). */
  static affectsConnection(e: vscode.ConfigurationChangeEvent): boolean {
    return [Settings.serverUrl, Settings.restUrl, Settings.requestTimeoutSeconds, Settings.keepAliveSeconds]
      .map((key) => `${Settings.section}.${key}`)
      .concat(HTTP_SETTINGS)
      .some((setting) => e.affectsConfiguration(setting));
  }
}
