/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cflux completion bash|zsh|fish: static completion scripts for the
 * command tree (verbs, nouns, flags). Object names are completed by
 * asking cflux itself (get ... --no-header), so they follow the
 * kubeconfig and namespace flags on the line being completed.
 */
#include "cli/cmd.h"
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

/* Bash: words by position; names from "cflux get". */
static const char bash_script[] =
"# bash completion for cflux                                -*- shell-script -*-\n"
"_cflux_names()\n"
"{\n"
"    cflux get \"$@\" --no-header 2>/dev/null | awk '{print $1}'\n"
"}\n"
"\n"
"_cflux()\n"
"{\n"
"    local cur=${COMP_WORDS[COMP_CWORD]} verb=${COMP_WORDS[1]} noun=${COMP_WORDS[2]}\n"
"    local global='--kubeconfig --context --namespace -n --all-namespaces -A --timeout'\n"
"    if [[ $COMP_CWORD -eq 1 ]]; then\n"
"        COMPREPLY=($(compgen -W 'version check install uninstall create get reconcile suspend resume delete export events logs stats completion build diff tree kustomize' -- \"$cur\"))\n"
"        return\n"
"    fi\n"
"    if [[ $cur == -* ]]; then\n"
"        local f=''\n"
"        case $verb in\n"
"        create) f='--export --interval --label --url --branch --tag --tag-semver --commit --secret-ref --ignore-paths --source --path --prune --wait --health-check --health-check-timeout --depends-on --service-account --target-namespace --retry-interval' ;;\n"
"        get) f='--watch -w --no-header --status-selector' ;;\n"
"        reconcile) f='--with-source' ;;\n"
"        suspend|resume|export) f='--all' ;;\n"
"        delete|uninstall) f='--silent -s' ;;\n"
"        install) f='--export' ;;\n"
"        check) f='--pre' ;;\n"
"        version) f='--client --output -o' ;;\n"
"        events) f='--for --types' ;;\n"
"        diff) f='--path --kustomization-file --ignore-paths --strict-substitute --progress-bar' ;;\n"
"        build) f='--path --kustomization-file --ignore-paths --strict-substitute --dry-run' ;;\n"
"        tree) f='--compact --output -o' ;;\n"
"        logs) f='--level --kind --name --follow -f --tail --since --since-time --flux-namespace' ;;\n"
"        esac\n"
"        COMPREPLY=($(compgen -W \"$f $global\" -- \"$cur\"))\n"
"        return\n"
"    fi\n"
"    case $verb in\n"
"    completion) [[ $COMP_CWORD -eq 2 ]] && COMPREPLY=($(compgen -W 'bash zsh fish' -- \"$cur\")) ;;\n"
"    get) [[ $COMP_CWORD -eq 2 ]] && COMPREPLY=($(compgen -W 'sources kustomizations all' -- \"$cur\"))\n"
"         [[ $COMP_CWORD -eq 3 && $noun == sources ]] && COMPREPLY=($(compgen -W 'git all' -- \"$cur\")) ;;\n"
"    diff|tree)\n"
"        if [[ $COMP_CWORD -eq 2 ]]; then\n"
"            COMPREPLY=($(compgen -W 'kustomization' -- \"$cur\"))\n"
"        elif [[ $COMP_CWORD -eq 3 ]]; then\n"
"            COMPREPLY=($(compgen -W \"$(_cflux_names kustomizations)\" -- \"$cur\"))\n"
"        fi ;;\n"
"    create|reconcile|suspend|resume|delete|export)\n"
"        if [[ $COMP_CWORD -eq 2 ]]; then\n"
"            COMPREPLY=($(compgen -W 'source kustomization' -- \"$cur\"))\n"
"        elif [[ $COMP_CWORD -eq 3 && $noun == source ]]; then\n"
"            COMPREPLY=($(compgen -W 'git' -- \"$cur\"))\n"
"        elif [[ $verb != create && $noun == kustomization && $COMP_CWORD -eq 3 ]]; then\n"
"            COMPREPLY=($(compgen -W \"$(_cflux_names kustomizations)\" -- \"$cur\"))\n"
"        elif [[ $verb != create && $noun == source && $COMP_CWORD -eq 4 ]]; then\n"
"            COMPREPLY=($(compgen -W \"$(_cflux_names sources git)\" -- \"$cur\"))\n"
"        fi ;;\n"
"    esac\n"
"}\n"
"complete -F _cflux cflux\n";

static const char zsh_script[] =
"#compdef cflux\n"
"# zsh completion for cflux\n"
"_cflux() {\n"
"  local -a verbs\n"
"  verbs=(version check install uninstall create get reconcile suspend resume\n"
"         delete export events logs stats completion build diff tree kustomize)\n"
"  if (( CURRENT == 2 )); then\n"
"    _describe 'command' verbs\n"
"    return\n"
"  fi\n"
"  case $words[2] in\n"
"    completion) (( CURRENT == 3 )) && compadd bash zsh fish ;;\n"
"    get) (( CURRENT == 3 )) && compadd sources kustomizations all\n"
"         (( CURRENT == 4 )) && [[ $words[3] == sources ]] && compadd git all ;;\n"
"    diff|tree)\n"
"      (( CURRENT == 3 )) && compadd kustomization\n"
"      (( CURRENT == 4 )) &&\n"
"        compadd ${(f)\"$(cflux get kustomizations --no-header 2>/dev/null | awk '{print $1}')\"} ;;\n"
"    create|reconcile|suspend|resume|delete|export)\n"
"      (( CURRENT == 3 )) && compadd source kustomization\n"
"      (( CURRENT == 4 )) && [[ $words[3] == source ]] && compadd git\n"
"      if [[ $words[2] != create ]]; then\n"
"        (( CURRENT == 4 )) && [[ $words[3] == kustomization ]] &&\n"
"          compadd ${(f)\"$(cflux get kustomizations --no-header 2>/dev/null | awk '{print $1}')\"}\n"
"        (( CURRENT == 5 )) && [[ $words[3] == source ]] &&\n"
"          compadd ${(f)\"$(cflux get sources git --no-header 2>/dev/null | awk '{print $1}')\"}\n"
"      fi ;;\n"
"  esac\n"
"}\n"
"compdef _cflux cflux\n";

static const char fish_script[] =
"# fish completion for cflux\n"
"set -l verbs version check install uninstall create get reconcile suspend resume delete export events logs stats completion build diff tree kustomize\n"
"complete -c cflux -f\n"
"complete -c cflux -n \"not __fish_seen_subcommand_from $verbs\" -a \"$verbs\"\n"
"complete -c cflux -n '__fish_seen_subcommand_from completion' -a 'bash zsh fish'\n"
"complete -c cflux -n '__fish_seen_subcommand_from get' -a 'sources kustomizations all'\n"
"complete -c cflux -n '__fish_seen_subcommand_from create reconcile suspend resume delete export' -a 'source kustomization'\n"
"complete -c cflux -n '__fish_seen_subcommand_from diff tree' -a 'kustomization'\n"
"complete -c cflux -n '__fish_seen_subcommand_from source sources' -a 'git'\n"
"complete -c cflux -l kubeconfig -r -d 'path to the kubeconfig file'\n"
"complete -c cflux -l context -r -d 'kubeconfig context to use'\n"
"complete -c cflux -s n -l namespace -r -d 'the namespace scope for this operation'\n"
"complete -c cflux -s A -l all-namespaces -d 'all namespaces'\n"
"complete -c cflux -l timeout -r -d 'timeout for this operation'\n"
"complete -c cflux -l export -d 'export in YAML format to stdout'\n";

int cf_cmd_completion(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "bash"))
		fputs(bash_script, stdout);
	else if (argc == 2 && !strcmp(argv[1], "zsh"))
		fputs(zsh_script, stdout);
	else if (argc == 2 && !strcmp(argv[1], "fish"))
		fputs(fish_script, stdout);
	else {
		fputs("usage: cflux completion bash|zsh|fish\n", stderr);
		return 1;
	}
	return 0;
}
