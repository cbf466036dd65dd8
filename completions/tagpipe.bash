# SPDX-License-Identifier: MIT
# bash completion for tagpipe, tagpipe train and tagpipe compile.
_tagpipe() {
    local cur prev opts
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    if [[ ${COMP_WORDS[1]} == compile ]]; then
        opts="--output --gazetteers --models --help"
    elif [[ ${COMP_WORDS[1]} == train ]]; then
        opts="--label-field --field --one-of --weight-field --dev --output --taxonomy --epochs
              --lr --l2 --min-count --seed --calibrate-folds --prune --stemmer --stopwords
              --exclude --gazetteers --models --gazetteer --comment --quiet --help"
    else
        opts="--field --threads --gazetteers --gazetteer --models --image --on-error --offsets
              --min-score --min-topic-score --max-topics --unbuffered --list-gazetteers
              --version --help"
    fi
    case $prev in
    --on-error) COMPREPLY=($(compgen -W "pass skip fail" -- "$cur")); return ;;
    --offsets) COMPREPLY=($(compgen -W "codepoint byte utf16" -- "$cur")); return ;;
    --gazetteers | --models) COMPREPLY=($(compgen -d -- "$cur")); return ;;
    --gazetteer | -g | --dev | --output | -o | --taxonomy | --stopwords | --image)
        COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --field | -f | --threads | -j | --min-score | --min-topic-score | --max-topics | \
        --label-field | -l | --weight-field | --epochs | --lr | --l2 | --min-count | --seed | \
        --calibrate-folds | --prune | --stemmer | --exclude | --comment)
        return ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    elif [[ $COMP_CWORD -eq 1 ]]; then
        COMPREPLY=($(compgen -W "train compile" -- "$cur") $(compgen -f -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}
complete -o filenames -F _tagpipe tagpipe
